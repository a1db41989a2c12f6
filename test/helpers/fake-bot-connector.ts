import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/**
 * A local stand-in for the Bot Connector service Teams bots call (the `serviceUrl` of every
 * activity): real HTTP on 127.0.0.1, recording what the bot sends. Point an activity's
 * `serviceUrl` at `connector.serviceUrl` and the bot's replies, card edits, member look-ups
 * and new 1:1 conversations land here. Reusable by end-to-end tests.
 */

export interface FakeMember {
  /** Teams user id, 29:… */
  id: string;
  aadObjectId: string;
  name: string;
  userPrincipalName?: string;
  email?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface SentActivity {
  kind: "send" | "reply" | "update";
  conversationId: string;
  /** The id the fake gave the message (send, reply) or the id edited (update). */
  activityId: string;
  replyToId?: string;
  activity: Record<string, unknown>;
}

export interface CreatedConversation {
  conversationId: string;
  parameters: Record<string, unknown>;
}

interface Failure {
  method?: string;
  path?: RegExp;
  status: number;
  times: number;
  headers?: Record<string, string>;
}

function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

export class FakeBotConnector {
  readonly requests: RecordedRequest[] = [];
  readonly activities: SentActivity[] = [];
  readonly conversations: CreatedConversation[] = [];
  private readonly members = new Map<string, FakeMember>();
  /** Users who have not installed the bot: creating a 1:1 chat with them is refused (403). */
  private readonly refused = new Set<string>();
  private readonly failures: Failure[] = [];
  private server: Server | undefined;
  private nextId = 1;
  serviceUrl = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const address = this.server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    this.serviceUrl = `http://127.0.0.1:${port}/`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  addMember(member: FakeMember): this {
    this.members.set(member.id.toLowerCase(), member);
    this.members.set(member.aadObjectId.toLowerCase(), member);
    return this;
  }

  refuseMember(idOrObjectId: string): this {
    this.refused.add(idOrObjectId.toLowerCase());
    return this;
  }

  /** The next `times` requests matching answer `status` instead (429 throttling, 412, 502…). */
  failNext(failure: {
    method?: string;
    path?: RegExp;
    status: number;
    times?: number;
    headers?: Record<string, string>;
  }): this {
    this.failures.push({ ...failure, times: failure.times ?? 1 });
    return this;
  }

  memberLookups(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === "GET" && /\/members\//.test(r.path));
  }

  sentTo(conversationId: string): SentActivity[] {
    return this.activities.filter((a) => a.conversationId === conversationId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const method = req.method ?? "GET";
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    this.requests.push({ method, path, authorization: req.headers.authorization, body });

    const failure = this.failures.find(
      (f) => (!f.method || f.method === method) && (!f.path || f.path.test(path)),
    );
    if (failure) {
      failure.times -= 1;
      if (failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      this.json(res, failure.status, errorBody("Injected", `injected ${failure.status}`), failure.headers);
      return;
    }
    this.route(method, path.split("/").map(decodeURIComponent), body, res);
  }

  private route(method: string, parts: string[], body: unknown, res: ServerResponse): ServerResponse {
    // parts: ["", "v3", "conversations", conversationId?, "activities" | "members", id?]
    if (parts[1] !== "v3" || parts[2] !== "conversations") {
      return this.json(res, 404, errorBody("NotFound", "unknown path"));
    }
    const conversationId = parts[3];
    const resource = parts[4];
    const id = parts[5];
    const activity = (body ?? {}) as Record<string, unknown>;
    if (method === "POST" && conversationId === undefined) return this.createConversation(activity, res);
    if (!conversationId) return this.json(res, 404, errorBody("NotFound", "no conversation"));
    if (resource === "members" && method === "GET" && id) {
      const member = this.members.get(id.toLowerCase());
      if (!member) return this.json(res, 404, errorBody("MemberNotFoundInConversation", "member not found"));
      return this.json(res, 200, {
        ...member,
        givenName: member.name.split(" ")[0],
        surname: "",
        tenantId: "",
      });
    }
    if (resource === "activities" && method === "POST") {
      const newId = String(this.nextId++);
      this.activities.push({
        kind: id ? "reply" : "send",
        conversationId,
        activityId: newId,
        ...(id ? { replyToId: id } : {}),
        activity,
      });
      return this.json(res, 200, { id: newId });
    }
    if (resource === "activities" && method === "PUT" && id) {
      this.activities.push({ kind: "update", conversationId, activityId: id, activity });
      return this.json(res, 200, { id });
    }
    if (resource === "activities" && method === "DELETE" && id) return this.json(res, 200, {});
    return this.json(res, 404, errorBody("NotFound", `no route for ${method}`));
  }

  private createConversation(parameters: Record<string, unknown>, res: ServerResponse): ServerResponse {
    const members = Array.isArray(parameters.members) ? (parameters.members as Array<{ id?: string }>) : [];
    const memberId = members[0]?.id?.toLowerCase() ?? "";
    if (!memberId || this.refused.has(memberId)) {
      return this.json(res, 403, errorBody("Forbidden", "The bot is not installed for this user"));
    }
    const member = this.members.get(memberId);
    if (!member) return this.json(res, 404, errorBody("NotFound", "no such user in this tenant"));
    // Teams gives the same 1:1 chat back for the same user.
    const conversationId = `a:dm-${member.aadObjectId}`;
    this.conversations.push({ conversationId, parameters });
    return this.json(res, 201, { id: conversationId });
  }

  private json(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): ServerResponse {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    return res.end(JSON.stringify(body));
  }
}
