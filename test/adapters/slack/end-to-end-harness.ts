import {
  DECISION_ACTION_IDS,
  decisionOfAction,
  STAGE_ACTION_IDS,
  stageVerbOfAction,
} from "../../../adapters/slack/action-ids.js";
import { createSlackAdapter, SLACK_EVENTS_PATH, type SlackAdapter } from "../../../adapters/slack/app.js";
import { SlackNotifier } from "../../../adapters/slack/notifier.js";
import { freePort } from "../../../src/cli/local-redis.js";
import type { Policy } from "../../../src/config/policy.js";
import { type Logger, silentLogger } from "../../../src/log.js";
import { statePrefix } from "../../../src/run/worker-runtime.js";
import { SANDBOX_ACCOUNTS, SANDBOX_SAMPLE_USERS } from "../../../src/sandbox/default-seed.js";
import type { SandboxOptions } from "../../../src/sandbox/index.js";
import { mountSignInRoutes } from "../../../src/signin/wiring.js";
import { FakeSlack, type FakeSlackUser } from "../../helpers/fake-slack.js";
import {
  blockActionPayload,
  interactivityBody,
  postSigned,
  slashCommandBody,
} from "../../helpers/slack-sign.js";
import type { WorkerHarness } from "../../helpers/worker-harness.js";
import type { ChatDriver } from "../end-to-end/scenarios.js";
import { type ServeSide, startServeSide, startWorkerSide } from "../end-to-end/serve-side.js";

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

/** A Slack person a test acts as: one of PEOPLE, or one a test adds to the fake itself. */
export type Person = FakeSlackUser & { name: string; email: string };

export const CHANNEL = "C0MFAOPS";

/** The app registration serve signs people in with (the sandbox takes any; the ID token's `aud`). */
export const SIGN_IN_CLIENT_ID = "6e2b1f44-3c1a-4f0e-9a51-4c8d2b7e9f10";
/** AZURE_TENANT_ID as a GUID, as a real deployment sets it. */
export const SIGN_IN_TENANT = "0d1c9c3e-5b8a-4f77-a1d2-6f2e8c4b7a90";

export class SlackEndToEnd {
  private constructor(
    readonly worker: WorkerHarness,
    readonly fake: FakeSlack,
    readonly adapter: SlackAdapter,
    readonly url: string,
    private readonly serve: ServeSide,
    /** PATCHes of the per-user MFA state the sandbox received, by user object id. */
    readonly patches: Map<string, number>,
  ) {}

  /**
   * `signIn`: serve also answers /auth/start and /auth/callback (MFA_BOT_PUBLIC_URL is its own
   * URL), against the sandbox tenant as the authority, and the worker hands out sign-in links.
   * `logger` is where serve's sign-in routes, the worker and the Graph client write.
   */
  static async start(
    options: { policy?: Policy; signIn?: boolean; logger?: Logger; sandbox?: SandboxOptions } = {},
  ): Promise<SlackEndToEnd> {
    const fake = await FakeSlack.start();
    for (const person of Object.values(PEOPLE)) fake.addUser(person);
    const logger = options.logger ?? silentLogger;
    const port = options.signIn ? await freePort() : 0;
    const publicUrl = options.signIn ? `http://127.0.0.1:${port}` : undefined;
    const { worker, patches } = await startWorkerSide(
      options.policy,
      () => ({
        slack: new SlackNotifier({ botToken: fake.botToken, apiUrl: fake.apiUrl, logger: silentLogger }),
      }),
      {
        ...(publicUrl ? { publicUrl } : {}),
        logger,
        ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      },
    );
    // The serve side, as src/cli/serve.ts wires it.
    let adapter: SlackAdapter | undefined;
    const serve = await startServeSide(
      worker.prefix,
      async (server, serveQueue, serveRedis) => {
        adapter = createSlackAdapter({
          signingSecret: SIGNING_SECRET,
          botToken: fake.botToken,
          apiUrl: fake.apiUrl,
          queue: serveQueue,
          logger: silentLogger,
          server,
        });
        await adapter.start();
        if (publicUrl) {
          mountSignInRoutes(server, {
            publicUrl,
            authorityHost: worker.sandbox.url,
            tenant: SIGN_IN_TENANT,
            credential: { clientId: SIGN_IN_CLIENT_ID, clientSecret: "sandbox-secret" },
            redis: serveRedis,
            statePrefix: statePrefix(worker.prefix),
            jobs: serveQueue,
            logger,
          });
        }
      },
      port,
    );
    return new SlackEndToEnd(worker, fake, adapter!, `${serve.baseUrl}${SLACK_EVENTS_PATH}`, serve, patches);
  }

  /** serve's own URL (MFA_BOT_PUBLIC_URL when started with signIn). */
  get serveUrl(): string {
    return this.serve.baseUrl;
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
    await this.serve.close();
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

/** A slash command or a click as the driver sent it: the HTTP answer (the ack) and its response_url. */
export type SlackSent = Awaited<ReturnType<SlackEndToEnd["slash"]>>;
export type SlackClick = Awaited<ReturnType<SlackEndToEnd["click"]>>;

/** The DM channel the fake opens with a Slack user. */
export const dmWith = (person: Person) => `D${person.id.slice(1)}`;

/** What a person reads in a Slack message: its notification text and every text of its blocks. */
export function readSlack(message: { text?: unknown; blocks?: unknown } | undefined): string {
  return message ? `${String(message.text ?? "")}\n${blockText(message.blocks)}` : "";
}

/**
 * The shared end-to-end scenarios (test/adapters/end-to-end/scenarios.ts) at Slack: commands
 * are `/mfa` in the ops channel, mentions `<@U…|name>`, private answers go to the command's or
 * click's response_url, and the channel holds the cards, progress and summaries.
 */
export function slackDriver(e2e: SlackEndToEnd): ChatDriver<SlackSent, string, SlackClick> {
  const posts = () => [...e2e.fake.messages.values()].filter((m) => m.channel === CHANNEL);
  // chat.postMessage or a file share (the summary with its chart): the header says it.
  const summaries = () => posts().filter((m) => /^(✅|⚠️) Enable MFA: done/m.test(blockText(m.blocks)));
  return {
    worker: e2e.worker,
    patches: e2e.patches,
    type: (person, text) =>
      e2e.slash(
        PEOPLE[person],
        text.replace(
          /\{(\w+)\}/g,
          (_, who: keyof typeof PEOPLE) => `<@${PEOPLE[who].id}|${PEOPLE[who].name}>`,
        ),
      ),
    async answerTo(sent) {
      // Help and usage errors are answered in the ack itself; everything else through response_url.
      if (sent.json !== undefined) return readSlack(sent.json as Record<string, unknown>);
      return readSlack(await e2e.answerAt(sent.responseUrl));
    },
    async approvalCard() {
      const card = await e2e.fake.waitFor(() => posts().find((m) => buttonsOf(m.blocks).length > 0), 15_000);
      return { approvalId: buttonsOf(card.blocks)[0]!.value, card: card.ts };
    },
    async card(ts) {
      const message = e2e.fake.message(CHANNEL, ts);
      return {
        text: readSlack(message),
        edits: message?.edits.length ?? 0,
        buttons: buttonsOf(message?.blocks ?? []).map((b) => ({
          decision: decisionOfAction(b.action_id) ?? stageVerbOfAction(b.action_id)!,
          approvalId: b.value,
        })),
      };
    },
    click: (person, decision, approvalId, ts) =>
      e2e.click(PEOPLE[person], DECISION_ACTION_IDS[decision], approvalId, ts),
    async pauseMessage() {
      const isStage = (b: Button) => stageVerbOfAction(b.action_id) !== undefined;
      const paused = await e2e.fake.waitFor(
        () => posts().find((m) => buttonsOf(m.blocks).some(isStage)),
        20_000,
      );
      return { operationId: buttonsOf(paused.blocks).find(isStage)!.value, card: paused.ts };
    },
    press: (person, verb, operationId, ts) =>
      e2e.click(PEOPLE[person], STAGE_ACTION_IDS[verb], operationId, ts),
    answersToClicks: (_person, clicks) =>
      clicks.flatMap((click) => e2e.fake.responsesTo(click.responseUrl).map((r) => readSlack(r.body))),
    summaryPosted: async () => {
      await e2e.fake.waitFor(() => summaries()[0], 20_000);
    },
    posted: () => ({
      summaries: summaries().map((m) => readSlack(m)),
      progress: posts()
        .filter((m) => m.text.startsWith("⏳"))
        .map((m) => ({ text: readSlack(m), edits: m.edits.length })),
    }),
    async directMessageTo(person) {
      const channel = dmWith(PEOPLE[person]);
      const dm = await e2e.fake.waitFor(
        () =>
          e2e.fake
            .callsTo("chat.postMessage")
            .filter((c) => c.args.channel === channel)
            .at(-1),
        15_000,
      );
      return `${String(dm.args.text)}\n${blockText(JSON.parse(String(dm.args.blocks)))}`;
    },
    alerts: () =>
      posts()
        .filter((m) => m.text.includes("changed outside the bot"))
        .map(readSlack),
    jobsQueued: () =>
      e2e.worker.queue.queue.getJobCountByTypes("completed", "failed", "waiting", "active", "delayed"),
    settle: () => e2e.settle(),
  };
}
