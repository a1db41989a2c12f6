import { expect } from "vitest";
import { createTeamsAdapter, mountTeams } from "../../../adapters/teams/adapter.js";
import { MfaTeamsBot } from "../../../adapters/teams/bot.js";
import { decisionVerbs, stageVerbs } from "../../../adapters/teams/card-actions.js";
import { ConversationReferenceStore } from "../../../adapters/teams/conversation-refs.js";
import { createTeamsNotifier } from "../../../adapters/teams/notifier.js";
import type { TeamsSettings } from "../../../adapters/teams/settings.js";
import { freePort } from "../../../src/cli/local-redis.js";
import type { Policy } from "../../../src/config/policy.js";
import { type DecisionVerb, verbsTaking } from "../../../src/core/verbs.js";
import { silentLogger } from "../../../src/log.js";
import { STAGE_VERBS, type StageVerb } from "../../../src/notify/outcome.js";
import { mountFileRoutes } from "../../../src/report/file-routes.js";
import { FileShelf } from "../../../src/report/file-shelf.js";
import { statePrefix } from "../../../src/run/worker-runtime.js";
import { guidFrom, SANDBOX_ACCOUNTS, SANDBOX_SAMPLE_USERS } from "../../../src/sandbox/default-seed.js";
import type { SandboxOptions } from "../../../src/sandbox/index.js";
import { FakeBotConnector, type FakeMember, type SentActivity } from "../../helpers/fake-bot-connector.js";
import type { WorkerHarness } from "../../helpers/worker-harness.js";
import type { ChatDriver } from "../end-to-end/scenarios.js";
import { type ServeSide, startServeSide, startWorkerSide } from "../end-to-end/serve-side.js";
import { CHANNEL_ID, cardActionInvoke, channelMessage, mention, personalMessage } from "./activities.js";

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
    private readonly serve: ServeSide,
    /** PATCHes of authentication/requirements the sandbox received, by user object id. */
    readonly patches: Map<string, number>,
  ) {}

  get baseUrl(): string {
    return this.serve.baseUrl;
  }

  /**
   * `downloads`: MFA_BOT_PUBLIC_URL is serve's own URL, so the report's files are links serve
   * answers (as src/cli/serve.ts mounts them). `sandbox`: another tenant (a generated one).
   */
  static async start(
    options: { policy?: Policy; sandbox?: SandboxOptions; downloads?: boolean } = {},
  ): Promise<TeamsEndToEnd> {
    const connector = await new FakeBotConnector().start();
    for (const member of Object.values(MEMBERS)) connector.addMember(member);
    const port = options.downloads ? await freePort() : 0;
    const publicUrl = options.downloads ? `http://127.0.0.1:${port}` : undefined;
    const { worker, patches } = await startWorkerSide(
      options.policy,
      (state, prefix) => ({
        teams: createTeamsNotifier(EMULATOR, {
          redis: state,
          keyPrefix: prefix,
          logger: silentLogger,
          ...(publicUrl ? { publicUrl } : {}),
        }),
      }),
      options.sandbox ? { sandbox: options.sandbox } : {},
    );
    // The serve side, as src/cli/serve.ts wires it.
    const serve = await startServeSide(
      worker.prefix,
      (server, serveQueue, serveRedis) => {
        if (publicUrl)
          mountFileRoutes(server, new FileShelf(serveRedis, statePrefix(worker.prefix)), silentLogger);
        const bot = new MfaTeamsBot({
          jobs: serveQueue,
          references: new ConversationReferenceStore(serveRedis, statePrefix(worker.prefix)),
          logger: silentLogger,
          emulatorMode: true,
        });
        mountTeams(server, EMULATOR, {
          adapter: createTeamsAdapter(EMULATOR, silentLogger),
          bot,
          logger: silentLogger,
        });
      },
      port,
    );
    return new TeamsEndToEnd(worker, connector, serve, patches);
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
    await this.serve.close();
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
    (sent.activity.attachments as Array<{
      contentType: string;
      content: { actions?: CardAction[]; body?: Array<{ type: string; actions?: CardAction[] }> };
    }>) ?? [];
  const card = attachments.find((a) => a.contentType === "application/vnd.microsoft.card.adaptive");
  if (!card) return undefined;
  // Buttons sit in ActionSets in the body (and, in older cards, in the card's own `actions`).
  const inBody = (card.content.body ?? []).flatMap((e) => (e.type === "ActionSet" ? (e.actions ?? []) : []));
  return { contentType: card.contentType, actions: [...(card.content.actions ?? []), ...inBody] };
}

/** A command as the driver posted it: where its answers go, and how many were there before. */
export interface TeamsSent {
  activity: Record<string, unknown>;
  conversation: string;
  before: number;
}

/** An approval card: the thread it is in and its activity id. */
export interface TeamsCard {
  thread: string;
  activityId: string;
}

export type TeamsClick = { status: number; body: unknown };

/** What a person reads in a Teams message: the notification summary and the card's text. */
export function readTeams(sent: SentActivity | undefined): string {
  return sent ? `${summaryOf(sent)}\n${textOf(sent)}` : "";
}

const DECISION_OF: Readonly<Record<string, DecisionVerb | StageVerb>> = Object.fromEntries([
  ...verbsTaking("approval").map((decision) => [decisionVerbs[decision], decision]),
  ...STAGE_VERBS.map((verb) => [stageVerbs[verb], verb]),
]);

/**
 * The shared end-to-end scenarios (test/adapters/end-to-end/scenarios.ts) at Teams: commands
 * typed in the person's chat with the bot (or, `inChannel`, after @mentioning it in the ops
 * channel), mentions as Teams sends them (`<at>name</at>` with a mention entity), card clicks
 * as Action.Execute invokes, and private answers to a click in the clicker's 1:1 chat.
 */
export function teamsDriver(e2e: TeamsEndToEnd): ChatDriver<TeamsSent, TeamsCard, TeamsClick> {
  let requestThread = "";
  const sentTo = (conversation: string) => e2e.connector.sentTo(conversation);
  const dmOf = (person: keyof typeof MEMBERS) => `a:dm-${MEMBERS[person].aadObjectId}`;
  const isSummary = (a: SentActivity) => a.kind === "send" && /: finished \(operation /.test(summaryOf(a));
  const isProgress = (a: SentActivity) => / of \d+ done$/.test(summaryOf(a));
  return {
    worker: e2e.worker,
    patches: e2e.patches,
    async type(person, text, options = {}) {
      const mentioned = [...text.matchAll(/\{(\w+)\}/g)].map(
        ([, who]) => MEMBERS[who as keyof typeof MEMBERS],
      );
      const line = text.replace(
        /\{(\w+)\}/g,
        (_, who: keyof typeof MEMBERS) => `<at>${MEMBERS[who].name}</at>`,
      );
      const sender = MEMBERS[person];
      const activity = options.inChannel
        ? channelMessage(e2e.serviceUrl, `mfa ${line}`, { sender, mentions: mentioned })
        : { ...personalMessage(e2e.serviceUrl, line, sender), entities: mentioned.map(mention) };
      const conversation = (activity.conversation as { id: string }).id;
      if (options.inChannel) requestThread = conversation;
      const before = sentTo(conversation).length;
      expect((await e2e.post(activity)).status).toBe(200);
      return { activity, conversation, before };
    },
    async answerTo(sent) {
      const deadline = Date.now() + 15_000;
      while (sentTo(sent.conversation).length <= sent.before) {
        if (Date.now() > deadline) throw new Error(`no answer in ${sent.conversation}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return readTeams(sentTo(sent.conversation)[sent.before]);
    },
    async approvalCard(sent) {
      const card = await e2e.waitForActivity(
        (a) => a.conversationId === sent.conversation && summaryOf(a).startsWith("Approval needed"),
      );
      const approve = cardOf(card)?.actions.find(
        (a) => a.type === "Action.Execute" && a.verb === "mfa.approve",
      );
      return {
        approvalId: String(approve?.data?.approvalId ?? ""),
        card: { thread: sent.conversation, activityId: card.activityId },
      };
    },
    async card(card) {
      const versions = sentTo(card.thread).filter((a) => a.activityId === card.activityId);
      const latest = versions.at(-1);
      const actions = (latest && cardOf(latest)?.actions) ?? [];
      return {
        text: readTeams(latest),
        edits: versions.filter((a) => a.kind === "update").length,
        buttons: actions
          .filter((a) => a.type === "Action.Execute")
          .map((a) => {
            // Everything the button carries besides the id shows up here, and fails the check.
            const { approvalId, operationId, ...rest } = a.data ?? {};
            return {
              decision: DECISION_OF[a.verb ?? ""]!,
              approvalId: String(approvalId ?? operationId),
              ...rest,
            };
          }),
      };
    },
    click: (person, decision, approvalId, card) =>
      e2e.post(
        cardActionInvoke(e2e.serviceUrl, {
          verb: decisionVerbs[decision],
          data: { approvalId },
          clicker: MEMBERS[person],
          conversation: { id: card.thread, conversationType: "channel" },
          cardActivityId: card.activityId,
        }),
      ),
    async pauseMessage() {
      const stageAction = (a: SentActivity) =>
        cardOf(a)?.actions.find((x) => x.type === "Action.Execute" && x.verb === stageVerbs.continue);
      const paused = await e2e.waitForActivity(
        (a) => a.conversationId === requestThread && a.kind === "send" && stageAction(a) !== undefined,
      );
      return {
        operationId: String(stageAction(paused)?.data?.operationId ?? ""),
        card: { thread: requestThread, activityId: paused.activityId },
      };
    },
    press: (person, verb, operationId, card) =>
      e2e.post(
        cardActionInvoke(e2e.serviceUrl, {
          verb: stageVerbs[verb],
          data: { operationId },
          clicker: MEMBERS[person],
          conversation: { id: card.thread, conversationType: "channel" },
          cardActivityId: card.activityId,
        }),
      ),
    // Teams has no ephemeral messages: a clicker's private answers come in their 1:1 chat.
    answersToClicks: (person) => sentTo(dmOf(person)).map(textOf),
    summaryPosted: async () => {
      await e2e.waitForActivity((a) => a.conversationId === requestThread && isSummary(a));
    },
    posted() {
      const thread = sentTo(requestThread);
      return {
        summaries: thread.filter(isSummary).map(readTeams),
        progress: thread
          .filter((a) => a.kind === "send" && isProgress(a))
          .map((posted) => {
            const versions = thread.filter((a) => a.activityId === posted.activityId);
            return { text: readTeams(versions.at(-1)), edits: versions.length - 1 };
          }),
      };
    },
    async directMessageTo(person) {
      await e2e.waitForActivity((a) => a.conversationId === dmOf(person));
      return readTeams(sentTo(dmOf(person)).at(-1));
    },
    alerts: () =>
      sentTo(CHANNEL_ID)
        .filter((a) => a.kind === "send" && summaryOf(a).includes("changed outside the bot"))
        .map(readTeams),
    jobsQueued: () =>
      e2e.worker.queue.queue.getJobCountByTypes("completed", "failed", "waiting", "active", "delayed"),
    settle: () => e2e.settle(),
  };
}
