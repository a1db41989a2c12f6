import type { Redis } from "ioredis";
import { createTeamsAdapter, mountTeams } from "../../../adapters/teams/adapter.js";
import { MfaTeamsBot } from "../../../adapters/teams/bot.js";
import { ConversationReferenceStore } from "../../../adapters/teams/conversation-refs.js";
import { createTeamsNotifier } from "../../../adapters/teams/notifier.js";
import type { TeamsSettings } from "../../../adapters/teams/settings.js";
import type { Policy } from "../../../src/config/policy.js";
import { HttpServer } from "../../../src/http/server.js";
import { silentLogger } from "../../../src/log.js";
import { connectRedis, RequestQueue } from "../../../src/queue/queues.js";
import { statePrefix } from "../../../src/run/worker-runtime.js";
import { guidFrom, SANDBOX_ACCOUNTS, SANDBOX_SAMPLE_USERS } from "../../../src/sandbox/default-seed.js";
import { FakeBotConnector, type FakeMember, type SentActivity } from "../../helpers/fake-bot-connector.js";
import { REDIS_URL, WorkerHarness } from "../../helpers/worker-harness.js";

/**
 * The whole Teams path on one machine: `POST /api/messages` mounted as `mfa-bot serve` mounts it
 * (emulator mode), the real queue on Redis, a real worker with the Teams notifier as
 * `mfa-bot worker` builds it, the real Graph client against the sandbox tenant, and the Bot
 * Connector faked over HTTP. Serve and worker share one key prefix, as in production.
 */

export const EMULATOR: TeamsSettings = { appId: "", appType: "MultiTenant" };

function seededMember(alias: string, account: { id: string; userPrincipalName: string }): FakeMember {
  return {
    id: `29:${alias}-teams-id`,
    aadObjectId: account.id,
    name: alias,
    userPrincipalName: account.userPrincipalName,
  };
}

/** Teams users whose member look-up gives the sandbox's own object ids and UPNs. */
export const MEMBERS = {
  admin: seededMember("admin", SANDBOX_ACCOUNTS.admin),
  manager: seededMember("manager", SANDBOX_ACCOUNTS.manager),
  helpdesk: seededMember("helpdesk", SANDBOX_ACCOUNTS.helpdesk),
  /** A second approver (the policy in the tests names them), outside the Finance group. */
  isaiah: seededMember("isaiahl", { id: guidFrom("user:isaiahl"), userPrincipalName: "isaiahl@contoso.com" }),
  alex: seededMember("alexw", SANDBOX_SAMPLE_USERS.disabledUnregistered),
  adele: seededMember("adelev", SANDBOX_SAMPLE_USERS.enabledUnregistered),
} as const;

export class TeamsEndToEnd {
  private constructor(
    readonly worker: WorkerHarness,
    readonly connector: FakeBotConnector,
    readonly baseUrl: string,
    private readonly server: HttpServer,
    private readonly serveQueue: RequestQueue,
    private readonly serveRedis: Redis,
    /** PATCHes of authentication/requirements the sandbox received, by user object id. */
    readonly patches: Map<string, number>,
  ) {}

  static async start(options: { policy?: Policy } = {}): Promise<TeamsEndToEnd> {
    const connector = await new FakeBotConnector().start();
    for (const member of Object.values(MEMBERS)) connector.addMember(member);
    const worker = await WorkerHarness.start({
      ...(options.policy ? { policy: options.policy } : {}),
      startWorker: false,
    });
    const patches = worker.countPatches();
    // The worker's notifiers, as src/cli/chat-notifiers.ts builds them.
    worker.startWorker({
      notifiers: (state, prefix) => ({
        teams: createTeamsNotifier(EMULATOR, { redis: state, keyPrefix: prefix, logger: silentLogger }),
      }),
    });
    // The serve side, as src/cli/serve.ts wires it.
    const serveRedis = connectRedis(REDIS_URL, { blocking: true });
    const serveQueue = new RequestQueue({ redisUrl: REDIS_URL, prefix: worker.prefix }, serveRedis);
    const bot = new MfaTeamsBot({
      jobs: serveQueue,
      references: new ConversationReferenceStore(serveRedis, statePrefix(worker.prefix)),
      logger: silentLogger,
    });
    const server = new HttpServer(silentLogger);
    mountTeams(server, EMULATOR, {
      adapter: createTeamsAdapter(EMULATOR, silentLogger),
      bot,
      logger: silentLogger,
    });
    const port = await server.listen(0, "127.0.0.1");
    return new TeamsEndToEnd(
      worker,
      connector,
      `http://127.0.0.1:${port}`,
      server,
      serveQueue,
      serveRedis,
      patches,
    );
  }

  get serviceUrl(): string {
    return this.connector.serviceUrl;
  }

  async post(activity: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Waits until the bot has sent something matching `predicate` to the Bot Connector. */
  async waitForActivity(predicate: (a: SentActivity) => boolean, timeoutMs = 15_000): Promise<SentActivity> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.connector.activities.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        const seen = this.connector.activities.map(
          (a) => `${a.kind} ${a.conversationId} ${a.activityId}: ${summaryOf(a)}`,
        );
        throw new Error(`no matching activity in ${timeoutMs} ms; the bot sent:\n${seen.join("\n")}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Until no job is waiting or running, and none is due soon (a retry's backoff): whatever the
   * flow caused has happened. Jobs scheduled for another day (the next reminder) do not count.
   */
  async settle(timeoutMs = 15_000): Promise<void> {
    await this.worker.settle(timeoutMs);
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.serveQueue.close();
    this.serveRedis.disconnect();
    await this.worker.close();
    await this.connector.close();
  }
}

/** The one-line summary Teams shows in notifications: which outcome this message carries. */
export function summaryOf(sent: SentActivity): string {
  return String(sent.activity.summary ?? "");
}

/** The card's plain-text rendering: what a person reads. */
export function textOf(sent: SentActivity): string {
  const attachments =
    (sent.activity.attachments as Array<{ content?: { fallbackText?: string } }> | undefined) ?? [];
  return attachments.map((a) => a.content?.fallbackText ?? "").join("\n") || String(sent.activity.text ?? "");
}

export interface CardAction {
  type: string;
  verb?: string;
  data?: Record<string, unknown>;
  fallback?: { type: string; data?: Record<string, unknown> };
}

/** The Adaptive Card attached to a message, if any. */
export function cardOf(sent: SentActivity): { contentType: string; actions: CardAction[] } | undefined {
  const attachments =
    (sent.activity.attachments as Array<{ contentType: string; content: { actions?: CardAction[] } }>) ?? [];
  const card = attachments.find((a) => a.contentType === "application/vnd.microsoft.card.adaptive");
  return card && { contentType: card.contentType, actions: card.content.actions ?? [] };
}
