import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { blockTextLength } from "../../adapters/slack/render/guard.js";

/**
 * A local stand-in for the Slack Web API and for response_url, over real HTTP: point
 * SLACK_API_URL (or an adapter's apiUrl) at `fake.apiUrl` and hand out `fake.responseUrl()`.
 * It keeps what a test needs to look at (calls, messages, edits, ephemerals, response_url
 * posts) and can answer 429 with Retry-After or an error, as Slack does.
 */

export interface FakeSlackUser {
  id: string;
  name?: string;
  realName?: string;
  displayName?: string;
  email?: string;
  isBot?: boolean;
  deleted?: boolean;
  /**
   * Fields of Slack's user object (https://api.slack.com/types/user): `is_restricted` a
   * multi-channel guest, `is_ultra_restricted` a single-channel guest, `is_stranger` someone of
   * another workspace (Slack Connect), `team_id` the account's own workspace (default: the fake's),
   * `enterprise_user.enterprise_id` its Enterprise Grid organisation.
   */
  restricted?: boolean;
  ultraRestricted?: boolean;
  stranger?: boolean;
  teamId?: string;
  enterpriseId?: string;
}

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  /** Every chat.update applied, oldest first. */
  edits: Array<{ text: string; blocks: unknown[] }>;
}

interface PendingUpload {
  id: string;
  filename: string;
  length: number;
  altText: string | undefined;
  content?: Buffer;
}

export interface FakeFile {
  id: string;
  filename: string;
  title: string;
  altText: string | undefined;
  content: Buffer;
}

export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
}

export interface FakeSlackOptions {
  botToken?: string;
  teamId?: string;
  /** The Enterprise Grid organisation the workspace belongs to, as auth.test names it. */
  enterpriseId?: string;
  /** Scopes the app was granted; users:read.email decides whether profiles show emails. */
  scopes?: string[];
}

const ALL_SCOPES = [
  "commands",
  "chat:write",
  "files:write",
  "im:write",
  "users:read",
  "users:read.email",
  "usergroups:read",
];

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly ephemerals: Array<{ channel: string; user: string; text: string; blocks: unknown[] }> = [];
  readonly messages = new Map<string, FakeMessage>();
  readonly users = new Map<string, FakeSlackUser>();
  readonly userGroups = new Map<string, string[]>();
  /** Files shared by files.completeUploadExternal, with the message they came with. */
  readonly shares: Array<{
    channel: string;
    threadTs: string | undefined;
    files: FakeFile[];
    blocks: unknown[];
  }> = [];
  /** Channels the bot is not a member of: chat.postMessage answers not_in_channel. */
  readonly channelsWithoutBot = new Set<string>();
  scopes: Set<string>;
  readonly botToken: string;
  readonly teamId: string;
  readonly enterpriseId: string | undefined;

  private readonly events = new EventEmitter();
  private readonly rateLimits = new Map<string, Array<{ retryAfter: number }>>();
  private readonly failures = new Map<string, string[]>();
  private readonly responseFailures = new Map<
    string,
    Array<{ status: number; retryAfter?: number; body?: string }>
  >();
  private tsCounter = 0;
  private fileCounter = 0;
  private readonly pendingUploads = new Map<string, PendingUpload>();
  private base = "";
  private outageUntil = 0;

  private constructor(
    private readonly server: Server,
    options: FakeSlackOptions,
  ) {
    this.botToken = options.botToken ?? "xoxb-fake-bot-token";
    this.teamId = options.teamId ?? "T0CONTOSO";
    this.enterpriseId = options.enterpriseId;
    this.scopes = new Set(options.scopes ?? ALL_SCOPES);
    this.events.setMaxListeners(0);
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = createServer((req, res) => {
      void fake!.handle(req, res);
    });
    fake = new FakeSlack(server, options);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const address = server.address();
    if (typeof address !== "object" || !address) throw new Error("fake Slack has no address");
    fake.base = `http://127.0.0.1:${address.port}`;
    return fake;
  }

  /** The Web API base, with the trailing slash Slack's own has. */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  get origin(): string {
    return this.base;
  }

  /** A fresh response_url served by this fake. */
  responseUrl(id = `r${Math.random().toString(36).slice(2, 10)}`): string {
    return `${this.base}/commands/${this.teamId}/${id}`;
  }

  addUser(user: FakeSlackUser): this {
    this.users.set(user.id, user);
    return this;
  }

  addUserGroup(id: string, members: string[]): this {
    this.userGroups.set(id, members);
    return this;
  }

  /** The next `times` calls to `method` answer 429 with Retry-After: `retryAfter` seconds. */
  rateLimit(method: string, retryAfter: number, times = 1): void {
    const queue = this.rateLimits.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push({ retryAfter });
    this.rateLimits.set(method, queue);
  }

  /** The next call to `method` answers `{ ok: false, error }`. */
  failNext(method: string, error: string): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(error);
    this.failures.set(method, queue);
  }

  /**
   * Slack away for `ms`: every Web API call and response_url post answers 503, as Slack's edge
   * does during an incident (https://api.slack.com/web#responses: HTTP errors other than 200 and
   * 429 mean the request was not handled). Nothing is recorded meanwhile.
   */
  outage(ms: number): void {
    this.outageUntil = Date.now() + ms;
  }

  /** The next post to this response_url answers `status` (429 with Retry-After when given). */
  failResponseUrl(url: string, status: number, options: { retryAfter?: number; body?: string } = {}): void {
    const id = url.split("/").pop()!;
    const queue = this.responseFailures.get(id) ?? [];
    queue.push({ status, ...options });
    this.responseFailures.set(id, queue);
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  responsesTo(url: string): ResponseUrlPost[] {
    const id = url.split("/").pop();
    return this.responses.filter((r) => r.id === id);
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.get(`${channel}:${ts}`);
  }

  /**
   * Resolves with the first truthy value of `probe`, checked now and after every request
   * the fake answers; rejects after `timeoutMs` (a guard, not a timing assertion).
   */
  waitFor<T>(probe: () => T | undefined | false | null, timeoutMs = 10_000): Promise<T> {
    const first = probe();
    if (first) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Slack: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off("handled", check);
      };
      this.events.on("handled", check);
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const raw = body.toString("utf8");
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    try {
      if (Date.now() < this.outageUntil) {
        send(res, 503, "text/plain", "service unavailable");
      } else if (req.method === "POST" && path.startsWith("/upload/")) {
        this.uploadPost(path.slice("/upload/".length), body, res);
      } else if (req.method === "POST" && path.startsWith("/api/")) {
        this.api(path.slice("/api/".length), req, raw, res);
      } else if (req.method === "POST" && path.startsWith("/commands/")) {
        this.responseUrlPost(path.split("/").pop()!, raw, res);
      } else {
        send(res, 404, "text/plain", "not found");
      }
    } finally {
      this.events.emit("handled");
    }
  }

  /**
   * Step two of Slack's upload (https://docs.slack.dev/messaging/working-with-files#uploading_files):
   * the bytes POSTed to the upload_url step one handed out. Slack answers 200 "OK - <length>"
   * (https://docs.slack.dev/reference/methods/files.getUploadURLExternal); an unknown address,
   * or more bytes than announced, is refused.
   */
  private uploadPost(fileId: string, body: Buffer, res: ServerResponse): void {
    const pending = this.pendingUploads.get(fileId);
    if (!pending || pending.content) {
      send(res, 404, "text/plain", "not found");
      return;
    }
    if (body.length > pending.length) {
      send(res, 400, "text/plain", "file size mismatch");
      return;
    }
    pending.content = body;
    send(res, 200, "text/plain", `OK - ${body.length}`);
  }

  private responseUrlPost(id: string, raw: string, res: ServerResponse): void {
    const failure = this.responseFailures.get(id)?.shift();
    if (failure) {
      const headers: Record<string, string> = {};
      if (failure.retryAfter !== undefined) headers["retry-after"] = String(failure.retryAfter);
      send(res, failure.status, "text/plain", failure.body ?? "expired_url", headers);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      send(res, 400, "text/plain", "invalid_payload");
      return;
    }
    this.responses.push({ id, body });
    send(res, 200, "text/html", "ok");
  }

  private api(method: string, req: IncomingMessage, raw: string, res: ServerResponse): void {
    const args = parseArgs(req.headers["content-type"] ?? "", raw);
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ")
      ? auth.slice("Bearer ".length)
      : (args.token as string | undefined);
    this.calls.push({ method, args, token });
    const limited = this.rateLimits.get(method)?.shift();
    if (limited) {
      send(res, 429, "application/json", JSON.stringify({ ok: false, error: "ratelimited" }), {
        "retry-after": String(limited.retryAfter),
      });
      return;
    }
    const reply = (body: Record<string, unknown>) => send(res, 200, "application/json", JSON.stringify(body));
    const failure = this.failures.get(method)?.shift();
    if (token !== this.botToken) reply({ ok: false, error: "invalid_auth" });
    else if (failure) reply({ ok: false, error: failure });
    else reply(this.answer(method, args));
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const str = (key: string) => (typeof args[key] === "string" ? (args[key] as string) : "");
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          user_id: "U0MFABOT",
          bot_id: "B0MFABOT",
          team_id: this.teamId,
          team: "Contoso",
          ...(this.enterpriseId ? { enterprise_id: this.enterpriseId, is_enterprise_install: false } : {}),
        };
      case "users.info": {
        if (!this.scopes.has("users:read"))
          return { ok: false, error: "missing_scope", needed: "users:read" };
        const user = this.users.get(str("user"));
        return user ? { ok: true, user: this.userJson(user) } : { ok: false, error: "user_not_found" };
      }
      case "users.lookupByEmail": {
        if (!this.scopes.has("users:read.email")) {
          return { ok: false, error: "missing_scope", needed: "users:read.email" };
        }
        const email = str("email").toLowerCase();
        const user = [...this.users.values()].find((u) => u.email?.toLowerCase() === email && !u.deleted);
        return user ? { ok: true, user: this.userJson(user) } : { ok: false, error: "users_not_found" };
      }
      case "usergroups.users.list": {
        if (!this.scopes.has("usergroups:read")) {
          return { ok: false, error: "missing_scope", needed: "usergroups:read" };
        }
        const members = this.userGroups.get(str("usergroup"));
        return members ? { ok: true, users: members } : { ok: false, error: "no_such_subteam" };
      }
      case "conversations.open": {
        const user = str("users");
        if (!this.users.has(user)) return { ok: false, error: "user_not_found" };
        return { ok: true, channel: { id: `D${user.slice(1)}` } };
      }
      case "chat.postMessage": {
        const channel = str("channel");
        if (this.channelsWithoutBot.has(channel)) return { ok: false, error: "not_in_channel" };
        const tooLong = this.messageLimitError(blocksOf(args));
        if (tooLong) return { ok: false, error: tooLong };
        const ts = this.nextTs();
        const message: FakeMessage = {
          channel,
          ts,
          text: str("text"),
          blocks: blocksOf(args),
          edits: [],
        };
        this.messages.set(`${channel}:${ts}`, message);
        return { ok: true, channel, ts, message: { text: message.text, ts } };
      }
      case "chat.update": {
        const message = this.messages.get(`${str("channel")}:${str("ts")}`);
        if (!message) return { ok: false, error: "message_not_found" };
        const tooLong = this.messageLimitError(blocksOf(args));
        if (tooLong) return { ok: false, error: tooLong };
        message.text = str("text");
        message.blocks = blocksOf(args);
        message.edits.push({ text: message.text, blocks: message.blocks });
        return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
      }
      case "chat.postEphemeral": {
        const channel = str("channel");
        if (this.channelsWithoutBot.has(channel)) return { ok: false, error: "not_in_channel" };
        const tooLong = this.messageLimitError(blocksOf(args));
        if (tooLong) return { ok: false, error: tooLong };
        this.ephemerals.push({ channel, user: str("user"), text: str("text"), blocks: blocksOf(args) });
        return { ok: true, message_ts: this.nextTs() };
      }
      case "files.getUploadURLExternal": {
        // https://docs.slack.dev/reference/methods/files.getUploadURLExternal: filename and
        // length (bytes) are required; the answer is an upload_url and a file_id.
        if (!this.scopes.has("files:write"))
          return { ok: false, error: "missing_scope", needed: "files:write" };
        const filename = str("filename");
        const length = Number(args.length);
        if (!filename || !Number.isInteger(length) || length < 1)
          return { ok: false, error: "invalid_arguments" };
        const id = `F${String(++this.fileCounter).padStart(9, "0")}`;
        this.pendingUploads.set(id, { id, filename, length, altText: str("alt_text") || undefined });
        return { ok: true, upload_url: `${this.base}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        // https://docs.slack.dev/reference/methods/files.completeUploadExternal: `files` a JSON
        // array of {id, title}; shared to channel_id (and thread_ts) with the blocks as the message.
        if (!this.scopes.has("files:write"))
          return { ok: false, error: "missing_scope", needed: "files:write" };
        const channel = str("channel_id");
        if (channel && this.channelsWithoutBot.has(channel)) return { ok: false, error: "not_in_channel" };
        const listed = jsonArg(args.files);
        if (!Array.isArray(listed) || listed.length === 0) return { ok: false, error: "invalid_arguments" };
        const shared: FakeFile[] = [];
        for (const entry of listed as Array<{ id?: string; title?: string }>) {
          const pending = entry.id ? this.pendingUploads.get(entry.id) : undefined;
          // A file whose bytes never arrived cannot be completed.
          if (!pending?.content) return { ok: false, error: "file_not_found" };
          shared.push({ ...pending, content: pending.content, title: entry.title ?? pending.filename });
          this.pendingUploads.delete(pending.id);
        }
        const blocks = blocksOf(args);
        const tooLong = this.messageLimitError(blocks);
        if (tooLong) return { ok: false, error: tooLong };
        const threadTs = str("thread_ts") || undefined;
        this.shares.push({ channel, threadTs, files: shared, blocks });
        // Sharing posts a message in the channel: the files with the blocks (or initial_comment).
        const ts = this.nextTs();
        this.messages.set(`${channel}:${ts}`, {
          channel,
          ts,
          text: str("initial_comment"),
          blocks,
          edits: [],
        });
        return { ok: true, files: shared.map((f) => ({ id: f.id, title: f.title, name: f.filename })) };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  /**
   * Slack refuses more than 50 blocks (`invalid_blocks`, https://docs.slack.dev/reference/block-kit/blocks)
   * and, undocumented, block text past about 12,000 characters (`msg_blocks_too_long`,
   * https://github.com/slackapi/bolt-js/issues/2509): the fake refuses from 12,001 on.
   */
  private messageLimitError(blocks: unknown[]): string | undefined {
    if (blocks.length > 50) return "invalid_blocks";
    if (blockTextLength(blocks) > 12_000) return "msg_blocks_too_long";
    return undefined;
  }

  private userJson(user: FakeSlackUser): Record<string, unknown> {
    const showEmail = this.scopes.has("users:read.email") && user.email !== undefined;
    const enterpriseId = user.enterpriseId ?? this.enterpriseId;
    return {
      id: user.id,
      team_id: user.teamId ?? this.teamId,
      name: user.name ?? user.id.toLowerCase(),
      deleted: user.deleted ?? false,
      real_name: user.realName ?? user.name ?? "",
      is_bot: user.isBot ?? false,
      is_restricted: user.restricted ?? user.ultraRestricted ?? false,
      is_ultra_restricted: user.ultraRestricted ?? false,
      ...(user.stranger ? { is_stranger: true } : {}),
      ...(enterpriseId ? { enterprise_user: { id: user.id, enterprise_id: enterpriseId } } : {}),
      profile: {
        real_name: user.realName ?? user.name ?? "",
        display_name: user.displayName ?? "",
        ...(showEmail ? { email: user.email } : {}),
      },
    };
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, "0")}`;
  }
}

function parseArgs(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.includes("application/json")) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  // The Web API client sends forms, with complex values (blocks) as JSON strings.
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) args[key] = value;
  return args;
}

function jsonArg(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function blocksOf(args: Record<string, unknown>): unknown[] {
  const blocks = args.blocks;
  if (Array.isArray(blocks)) return blocks;
  if (typeof blocks === "string") {
    try {
      const parsed: unknown = JSON.parse(blocks);
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }
  return [];
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}
