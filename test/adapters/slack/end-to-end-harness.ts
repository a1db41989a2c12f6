import type { Redis } from "ioredis";
import { createSlackAdapter, SLACK_EVENTS_PATH, type SlackAdapter } from "../../../adapters/slack/app.js";
import { SlackNotifier } from "../../../adapters/slack/notifier.js";
import type { Policy } from "../../../src/config/policy.js";
import { HttpServer } from "../../../src/http/server.js";
import { silentLogger } from "../../../src/log.js";
import { connectRedis, RequestQueue } from "../../../src/queue/queues.js";
import { SANDBOX_ACCOUNTS, SANDBOX_SAMPLE_USERS } from "../../../src/sandbox/default-seed.js";
import { FakeSlack, type FakeSlackUser } from "../../helpers/fake-slack.js";
import {
  blockActionPayload,
  interactivityBody,
  postSigned,
  slashCommandBody,
} from "../../helpers/slack-sign.js";
import { REDIS_URL, WorkerHarness } from "../../helpers/worker-harness.js";

/**
 * The whole Slack path on one machine: `POST /slack/events` mounted on the shared HttpServer as
 * `mfa-bot serve` mounts it, the real queue on Redis, a real worker with the Slack notifier as
 * `mfa-bot worker` builds it, the real Graph client against the sandbox tenant, and the Slack
 * Web API and response_url faked over HTTP. Serve and worker share one key prefix.
 */

export const SIGNING_SECRET = "e2e-0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/** Slack people whose profile emails are the sandbox's UPNs. */
export const PEOPLE = {
  admin: {
    id: "U0ADMIN",
    name: "admin",
    realName: "Ada Admin",
    email: SANDBOX_ACCOUNTS.admin.userPrincipalName,
  },
  manager: {
    id: "U0MANAGER",
    name: "manager",
    realName: "Mia Manager",
    email: SANDBOX_ACCOUNTS.manager.userPrincipalName,
  },
  helpdesk: {
    id: "U0HELPDESK",
    name: "helpdesk",
    realName: "Hal Helpdesk",
    email: SANDBOX_ACCOUNTS.helpdesk.userPrincipalName,
  },
  /** A second approver (the tests' policy names them), outside the Finance group. */
  isaiah: { id: "U0ISAIAH", name: "isaiahl", realName: "Isaiah Langer", email: "isaiahl@contoso.com" },
  alex: {
    id: "U0ALEX",
    name: "alexw",
    realName: "Alex Wilber",
    email: SANDBOX_SAMPLE_USERS.disabledUnregistered.userPrincipalName,
  },
} as const satisfies Record<string, FakeSlackUser & { email: string }>;

export type Person = (typeof PEOPLE)[keyof typeof PEOPLE];

export const CHANNEL = "C0MFAOPS";

export class SlackEndToEnd {
  private constructor(
    readonly worker: WorkerHarness,
    readonly fake: FakeSlack,
    readonly adapter: SlackAdapter,
    readonly url: string,
    private readonly server: HttpServer,
    private readonly serveQueue: RequestQueue,
    private readonly serveRedis: Redis,
    /** PATCHes of the per-user MFA state the sandbox received, by user object id. */
    readonly patches: Map<string, number>,
  ) {}

  static async start(options: { policy?: Policy } = {}): Promise<SlackEndToEnd> {
    const fake = await FakeSlack.start();
    for (const person of Object.values(PEOPLE)) fake.addUser(person);
    const worker = await WorkerHarness.start({
      ...(options.policy ? { policy: options.policy } : {}),
      startWorker: false,
    });
    const patches = worker.countPatches();
    // The worker's notifiers, as src/cli/chat-notifiers.ts builds them.
    worker.startWorker({
      notifiers: () => ({
        slack: new SlackNotifier({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger: silentLogger }),
      }),
    });
    // The serve side, as src/cli/serve.ts wires it.
    const serveRedis = connectRedis(REDIS_URL, { blocking: true });
    const serveQueue = new RequestQueue({ redisUrl: REDIS_URL, prefix: worker.prefix }, serveRedis);
    const server = new HttpServer(silentLogger);
    const adapter = createSlackAdapter({
      signingSecret: SIGNING_SECRET,
      botToken: fake.botToken,
      apiUrl: fake.apiUrl,
      queue: serveQueue,
      logger: silentLogger,
      server,
    });
    await adapter.start();
    const port = await server.listen(0, "127.0.0.1");
    return new SlackEndToEnd(
      worker,
      fake,
      adapter,
      `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`,
      server,
      serveQueue,
      serveRedis,
      patches,
    );
  }

  /** `/mfa <text>` typed by `person` in the ops channel, signed and form-encoded as Slack sends it. */
  async slash(person: Person, text: string) {
    const responseUrl = this.fake.responseUrl();
    const body = slashCommandBody({
      text,
      responseUrl,
      userId: person.id,
      userName: person.name,
      teamId: this.fake.teamId,
      channelId: CHANNEL,
      channelName: "mfa-ops",
    });
    const res = await postSigned(this.url, SIGNING_SECRET, body);
    return { ...res, responseUrl };
  }

  /** A click on a button of the message `ts` in the ops channel, as Slack posts it (`payload=` JSON). */
  async click(person: Person, actionId: string, value: string, messageTs: string) {
    const responseUrl = this.fake.responseUrl();
    const payload = blockActionPayload({
      actionId,
      value,
      userId: person.id,
      userName: person.name,
      teamId: this.fake.teamId,
      channelId: CHANNEL,
      messageTs,
      responseUrl,
    });
    const res = await postSigned(this.url, SIGNING_SECRET, interactivityBody(payload));
    return { ...res, responseUrl };
  }

  /** The first post to `responseUrl`, once the worker has made it. */
  async answerAt(responseUrl: string): Promise<Record<string, unknown>> {
    const post = await this.fake.waitFor(() => this.fake.responsesTo(responseUrl)[0], 15_000);
    return post.body;
  }

  /**
   * Until the adapter has queued everything it acknowledged and no job is waiting, running or
   * due soon: whatever the flow caused has happened. Reminders due another day do not count.
   */
  async settle(timeoutMs = 15_000): Promise<void> {
    await this.adapter.drain();
    await this.worker.settle(timeoutMs);
  }

  async close(): Promise<void> {
    await this.adapter.stop();
    await this.server.close();
    await this.serveQueue.close();
    this.serveRedis.disconnect();
    await this.worker.close();
    await this.fake.close();
  }
}

/** Every piece of text in a message's blocks, in order: what a person reads. */
export function blockText(blocks: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) walk(child);
    } else if (node && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if (key === "text" && typeof value === "string") out.push(value);
        else walk(value);
      }
    }
  };
  walk(blocks);
  return out.join("\n");
}

interface Button {
  action_id: string;
  value: string;
  style?: string;
  confirm?: unknown;
}

/** The buttons of a message's actions blocks. */
export function buttonsOf(blocks: unknown[]): Button[] {
  return (blocks as Array<{ type: string; elements?: Button[] }>)
    .filter((b) => b.type === "actions")
    .flatMap((b) => b.elements ?? []);
}
