import { afterEach, describe, expect, it } from "vitest";
import type { Policy } from "../../../src/config/policy.js";
import type { PlanItemOf } from "../../../src/core/plan-types.js";
import type { DecisionVerb } from "../../../src/core/verbs.js";
import type { StageVerb } from "../../../src/notify/outcome.js";
import {
  APPROVAL_STATUS_LABELS,
  actionLabel,
  quorumLine,
  reminderWords,
  STATE_LABELS,
} from "../../../src/notify/words.js";
import { SANDBOX_GROUPS, SANDBOX_SAMPLE_USERS } from "../../../src/sandbox/default-seed.js";
import { BENCH_GROUP_ID, generateSeed, type SandboxOptions } from "../../../src/sandbox/index.js";
import { ADMIN, HELPDESK, MANAGER, testPolicy, type WorkerHarness } from "../../helpers/worker-harness.js";

/**
 * The end-to-end scenarios every chat platform runs (test/adapters/slack/end-to-end.test.ts,
 * test/adapters/teams/end-to-end.test.ts): signed or authenticated requests over HTTP to the
 * real adapter, a real worker and queue, the sandbox tenant. Each platform supplies a driver
 * that types, clicks and reads as a person there would; the expectations here are the
 * platform-neutral ones, in the shared words (src/notify/words.ts). Each platform adds its own
 * checks of its format (Block Kit, Adaptive Cards) per scenario, from the trail a run leaves.
 */

export const FINANCE = `group:${SANDBOX_GROUPS.finance.id}`;
export const ISAIAH = "isaiahl@contoso.com";
export const ALEX = SANDBOX_SAMPLE_USERS.disabledUnregistered;
export const ADELE = SANDBOX_SAMPLE_USERS.enabledUnregistered;

const SCENARIO_POLICY_INPUT = {
  roles: {
    helpdesk: [HELPDESK],
    admin: [ADMIN],
    // The admin approves too, so the self-approval rule (not the role) is what refuses them.
    approver: [MANAGER, ISAIAH, ADMIN],
  },
};
/** Where drift alerts go: the ops channel of each platform's test (Slack's and Teams' harness). */
const ALERTS = { slackChannel: "C0MFAOPS", teamsConversation: "19:mfa-ops@thread.tacv2" };

/** The staged-bulk scenarios' tenant: this many users in one group (BENCH_GROUP_ID). */
const BENCH_USERS = 200;
const PATCH_ROUTE = "PATCH /beta/users/{id}/authentication/requirements";

/** Both platforms' tests start from this policy. */
export const SCENARIO_POLICY = testPolicy(SCENARIO_POLICY_INPUT);

/** The people both platforms have, each with their Entra UPN. */
export const UPNS = {
  admin: ADMIN,
  manager: MANAGER,
  helpdesk: HELPDESK,
  isaiah: ISAIAH,
  alex: ALEX.userPrincipalName,
} as const;
export type PersonKey = keyof typeof UPNS;

export interface CardView {
  /** What a person reads on the card now, after its edits. */
  text: string;
  edits: number;
  /** The decision each button stands for, and the approval id it carries (nothing else). */
  buttons: Array<{ decision: DecisionVerb | StageVerb; approvalId: string }>;
}

/**
 * A person at a chat platform. `Sent`, `Card` and `Click` are the platform's own handles, kept
 * in the trail for the platform's own checks.
 */
export interface ChatDriver<Sent, Card, Click> {
  /**
   * `person` types a command where they work with the bot; `{alex}` in the text is an
   * @mention of Alex. `inChannel`: in the team's channel (approval cards go there) rather than to the bot.
   */
  type(person: PersonKey, text: string, options?: { inChannel?: boolean }): Promise<Sent>;
  /** The bot's answer to a command, as the person who typed it reads it. */
  answerTo(sent: Sent): Promise<string>;
  /** The approval card the command led to. */
  approvalCard(sent: Sent): Promise<{ approvalId: string; card: Card }>;
  card(card: Card): Promise<CardView>;
  click(person: PersonKey, decision: DecisionVerb, approvalId: string, card: Card): Promise<Click>;
  /** The message of a staged bulk that paused (Continue/Abort buttons), once it is posted. */
  pauseMessage(): Promise<{ operationId: string; card: Card }>;
  /** A click on Continue or Abort of a paused bulk's message. */
  press(person: PersonKey, verb: StageVerb, operationId: string, card: Card): Promise<Click>;
  /** The private answers `person` got for these clicks so far. */
  answersToClicks(person: PersonKey, clicks: readonly Click[]): string[];
  /** Waits until the summary of an applied bulk is posted where the request came from. */
  summaryPosted(): Promise<void>;
  /** What was posted where the request came from: summaries and progress messages. */
  posted(): { summaries: string[]; progress: Array<{ text: string; edits: number }> };
  /** The latest direct message the bot sent `person`. */
  directMessageTo(person: PersonKey): Promise<string>;
  /** Every job the adapter queued or the worker ran: none for a line answered at once. */
  jobsQueued(): Promise<number>;
  settle(): Promise<void>;
  readonly worker: WorkerHarness;
  /** Drift alerts posted to the policy's alert destination on this platform, as read there. */
  alerts(): string[];
  /** PATCHes of per-user MFA state the sandbox received, by user object id. */
  readonly patches: Map<string, number>;
}

export interface Trail<Sent, Card, Click> {
  sent: Sent[];
  cards: Card[];
  clicks: Click[];
  approvalId?: string;
  changes?: Array<PlanItemOf<"change">>;
}

export interface Scenario {
  id: ScenarioId;
  name: string;
  /** The policy this scenario's run starts with; SCENARIO_POLICY when absent. */
  policy?: Policy;
  /** The sandbox tenant it runs against; the shipped one when absent. */
  sandbox?: SandboxOptions;
  run<S, C, K>(d: ChatDriver<S, C, K>): Promise<Trail<S, C, K>>;
}

export type ScenarioId =
  | "status"
  | "enable"
  | "enforceRefused"
  | "roleRefused"
  | "notACommand"
  | "approvalCard"
  | "selfApproval"
  | "twoApprovers"
  | "doubleClick"
  | "quorum"
  | "canary"
  | "failurePause"
  | "drift";

function contains(text: string, words: readonly string[]): void {
  for (const word of words) expect(text).toContain(word);
}

/** `bulk enable` of the Finance group in the channel, up to its approval card. */
async function requestBulk<S, C, K>(d: ChatDriver<S, C, K>) {
  const sent = await d.type("admin", `bulk enable ${FINANCE} --reason "finance rollout"`, {
    inChannel: true,
  });
  const { approvalId, card } = await d.approvalCard(sent);
  const found = await d.worker.deps().operations.get(approvalId);
  const changes = (found?.op.plan.items ?? []).filter((i): i is PlanItemOf<"change"> => i.kind === "change");
  expect(changes.length).toBeGreaterThan(1);
  return { sent, card, approvalId, changes };
}

/** A command that is refused: the answer says why, and Alex stays as the sandbox has him. */
async function refusedWithoutChange<S, C, K>(
  d: ChatDriver<S, C, K>,
  person: PersonKey,
  text: string,
  expectAnswer: (answer: string) => void,
): Promise<Trail<S, C, K>> {
  const sent = await d.type(person, text);
  expectAnswer(await d.answerTo(sent));
  await d.settle();
  expect(d.patches.size).toBe(0);
  expect(d.worker.sandbox.tenant.user(ALEX.userPrincipalName)?.perUserMfaState).toBe("disabled");
  return { sent: [sent], cards: [], clicks: [] };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: "status",
    name: "status of a mentioned user and of a UPN: the state the sandbox reports, and nothing changes",
    async run(d) {
      const alex = await d.type("helpdesk", "status {alex}");
      contains(await d.answerTo(alex), [`Alex Wilber (${ALEX.userPrincipalName})`, STATE_LABELS.disabled]);
      const adele = await d.type("helpdesk", `status ${ADELE.userPrincipalName}`);
      contains(await d.answerTo(adele), [ADELE.userPrincipalName, STATE_LABELS.enabled]);
      await d.settle();
      expect(d.patches.size).toBe(0);
      return { sent: [alex, adele], cards: [], clicks: [] };
    },
  },
  {
    id: "enable",
    name: "enable: the result to the requester, the state changed in the sandbox, a register DM to the user",
    async run(d) {
      const sent = await d.type("admin", 'enable {alex} --reason "new laptop"');
      contains(await d.answerTo(sent), [actionLabel("enable"), ALEX.userPrincipalName, STATE_LABELS.enabled]);
      const words = reminderWords({
        upn: ALEX.userPrincipalName,
        setupUrl: "",
        attempt: 0,
        requestedBy: ADMIN,
      });
      contains(await d.directMessageTo("alex"), [
        words.opening,
        "https://aka.ms/mfasetup",
        words.requestedBy!,
      ]);
      await d.settle();
      expect(d.worker.sandbox.tenant.user(ALEX.id)?.perUserMfaState).toBe("enabled");
      expect(d.patches.get(ALEX.id)).toBe(1);
      return { sent: [sent], cards: [], clicks: [] };
    },
  },
  {
    id: "enforceRefused",
    name: "enforce of a user who has not registered is refused, says why, and changes nothing",
    run: (d) =>
      refusedWithoutChange(d, "admin", `enforce ${ALEX.userPrincipalName}`, (answer) =>
        contains(answer, [
          actionLabel("enforce"),
          "hasn't completed MFA registration",
          "Enable them instead",
        ]),
      ),
  },
  {
    id: "roleRefused",
    name: "a command the sender's role does not allow is refused and changes nothing",
    run: (d) =>
      refusedWithoutChange(d, "helpdesk", `enable ${ALEX.userPrincipalName}`, (answer) =>
        expect(answer).toMatch(/you need the admin role to enable MFA/),
      ),
  },
  {
    id: "notACommand",
    name: "a line that is not a command is answered at once with the commands, and nothing is queued",
    async run(d) {
      const sent = await d.type("helpdesk", "frobnicate everyone");
      const answer = await d.answerTo(sent);
      expect(answer).toContain('unknown command "frobnicate"');
      expect(answer).toContain("commands: status, enable");
      await d.settle();
      expect(await d.jobsQueued()).toBe(0);
      expect(d.patches.size).toBe(0);
      return { sent: [sent], cards: [], clicks: [] };
    },
  },
  {
    id: "approvalCard",
    name: "bulk enable posts an approval card whose buttons carry only the approval id",
    async run(d) {
      const { sent, card, approvalId, changes } = await requestBulk(d);
      const view = await d.card(card);
      expect(view.buttons).toEqual([
        { decision: "approve", approvalId },
        { decision: "reject", approvalId },
      ]);
      contains(view.text, [`${actionLabel("enable")} for ${changes.length} users`, ADMIN, "finance rollout"]);
      await d.settle();
      expect(d.patches.size).toBe(0);
      return { sent: [sent], cards: [card], clicks: [], approvalId, changes };
    },
  },
  {
    id: "selfApproval",
    name: "the requester approving their own request is refused, to them only, and nothing changes",
    async run(d) {
      const { sent, card, approvalId, changes } = await requestBulk(d);
      const click = await d.click("admin", "approve", approvalId, card);
      await d.settle();
      const answers = d.answersToClicks("admin", [click]);
      expect(answers).toHaveLength(1);
      expect(answers[0]).toContain(
        `You cannot approve ${approvalId}: nobody approves their own request; another approver must.`,
      );
      expect((await d.card(card)).edits).toBe(0);
      expect(d.posted().summaries).toEqual([]);
      expect(d.patches.size).toBe(0);
      expect((await d.worker.deps().operations.get(approvalId))?.state.status).toBe("pending");
      return { sent: [sent], cards: [card], clicks: [click], approvalId, changes };
    },
  },
  {
    id: "twoApprovers",
    name: "two approvers clicking at once: one apply per user, the card edited in place, one progress message, one summary",
    async run(d) {
      const { sent, card, approvalId, changes } = await requestBulk(d);
      const [byManager, byIsaiah] = await Promise.all([
        d.click("manager", "approve", approvalId, card),
        d.click("isaiah", "approve", approvalId, card),
      ]);
      await d.summaryPosted();
      await d.settle();

      // Each user was written once, whoever clicked, and the sandbox holds what Graph reported:
      // Enabled — those with registration details too, until they re-register
      // (https://learn.microsoft.com/entra/identity/authentication/howto-mfa-userstates).
      for (const change of changes) expect(d.patches.get(change.userId.toLowerCase())).toBe(1);
      expect([...d.patches.values()].reduce((sum, n) => sum + n, 0)).toBe(changes.length);
      const results = await d.worker.deps().operations.results(approvalId);
      for (const change of changes) {
        const now = results.get(change.userId)?.now;
        expect(now).toBe("enabled");
        expect(d.worker.sandbox.tenant.user(change.userId)?.perUserMfaState).toBe(now);
      }

      // Exactly one decision stood; the other clicker heard why not, privately.
      const decider = (await d.worker.deps().operations.get(approvalId))?.state.decidedBy;
      expect([MANAGER, ISAIAH]).toContain(decider);
      const [winner, loser] =
        decider === MANAGER ? (["manager", "isaiah"] as const) : (["isaiah", "manager"] as const);
      const clickOf = { manager: byManager, isaiah: byIsaiah };
      const won = d.answersToClicks(winner, [clickOf[winner]]);
      expect(won).toHaveLength(1);
      expect(won[0]).toContain(`You approved ${approvalId}.`);
      const lost = d.answersToClicks(loser, [clickOf[loser]]);
      expect(lost).toHaveLength(1);
      expect(lost[0]).toContain(`You cannot approve ${approvalId}: it was already approved by ${decider}`);

      // The card was edited for everyone: who decided, the outcome, no buttons.
      const view = await d.card(card);
      expect(view.edits).toBeGreaterThan(0);
      expect(view.buttons).toEqual([]);
      contains(view.text, [
        APPROVAL_STATUS_LABELS.approved,
        decider!,
        `Applied: ${changes.length} done, 0 failed.`,
      ]);

      // One progress message, edited in place up to every user; one summary.
      const { summaries, progress } = d.posted();
      expect(summaries).toHaveLength(1);
      contains(summaries[0]!, [actionLabel("enable"), String(changes.length)]);
      expect(progress).toHaveLength(1);
      expect(progress[0]!.edits).toBeGreaterThan(0);
      expect(progress[0]!.text).toContain(`${changes.length} of ${changes.length}`);

      // Alex (in Finance) was told to register.
      expect(await d.directMessageTo("alex")).toContain("https://aka.ms/mfasetup");
      return { sent: [sent], cards: [card], clicks: [byManager, byIsaiah], approvalId, changes };
    },
  },
  {
    id: "doubleClick",
    name: "one approver clicking twice applies once and hears it once",
    async run(d) {
      const { sent, card, approvalId, changes } = await requestBulk(d);
      const clicks = await Promise.all([
        d.click("manager", "approve", approvalId, card),
        d.click("manager", "approve", approvalId, card),
      ]);
      await d.summaryPosted();
      await d.settle();
      for (const change of changes) expect(d.patches.get(change.userId.toLowerCase())).toBe(1);
      expect(d.posted().summaries).toHaveLength(1);
      const approved = d
        .answersToClicks("manager", clicks)
        .filter((a) => a.includes(`You approved ${approvalId}.`));
      expect(approved).toHaveLength(1);
      return { sent: [sent], cards: [card], clicks, approvalId, changes };
    },
  },
  {
    id: "quorum",
    name: "a bulk that needs two approvers: the requester refused, the first approval leaves it pending, the same approver again refused, the second applies it once",
    policy: testPolicy({ ...SCENARIO_POLICY_INPUT, quorum: { bulk: 2 } }),
    async run(d) {
      const { sent, card, approvalId, changes } = await requestBulk(d);
      const operations = d.worker.deps().operations;
      const approvalsSoFar = async () => (await operations.get(approvalId))?.state.approvals.map((a) => a.by);

      const byAdmin = await d.click("admin", "approve", approvalId, card);
      await d.settle();
      expect(d.answersToClicks("admin", [byAdmin]).at(-1)).toContain(
        `You cannot approve ${approvalId}: nobody approves their own request`,
      );
      expect(await approvalsSoFar()).toEqual([]);

      const first = await d.click("manager", "approve", approvalId, card);
      await d.settle();
      expect(d.answersToClicks("manager", [first]).at(-1)).toContain(
        `You approved ${approvalId}: 1 of 2 approvals; it waits for another approver.`,
      );
      const pendingView = await d.card(card);
      expect(pendingView.text).toContain(quorumLine({ needed: 2, approvedBy: [MANAGER] }));
      expect(pendingView.buttons).toEqual([
        { decision: "approve", approvalId },
        { decision: "reject", approvalId },
      ]);
      expect((await operations.get(approvalId))?.state.status).toBe("pending");
      expect(d.patches.size).toBe(0);

      const again = await d.click("manager", "approve", approvalId, card);
      await d.settle();
      expect(d.answersToClicks("manager", [again]).at(-1)).toContain(
        `You cannot approve ${approvalId}: you have already approved it (1 of 2 approvals); another approver must.`,
      );
      expect(await approvalsSoFar()).toEqual([MANAGER]);
      expect((await operations.get(approvalId))?.state.status).toBe("pending");
      expect(d.patches.size).toBe(0);

      const second = await d.click("isaiah", "approve", approvalId, card);
      await d.summaryPosted();
      await d.settle();
      for (const change of changes) expect(d.patches.get(change.userId.toLowerCase())).toBe(1);
      expect([...d.patches.values()].reduce((sum, n) => sum + n, 0)).toBe(changes.length);
      expect(d.posted().summaries).toHaveLength(1);
      expect(d.answersToClicks("isaiah", [second]).at(-1)).toContain(`You approved ${approvalId}.`);

      const view = await d.card(card);
      expect(view.buttons).toEqual([]);
      contains(view.text, [
        APPROVAL_STATUS_LABELS.approved,
        quorumLine({ needed: 2, approvedBy: [MANAGER, ISAIAH] }),
        `Applied: ${changes.length} done, 0 failed.`,
      ]);
      // Each approval is in the audit trail, the first as recorded short of the quorum.
      const audit = await d.worker.deps().audit.forOperation(approvalId);
      const approvals = audit.filter((e) => e.action === "approve");
      expect(approvals.map((e) => [e.actor, e.result])).toEqual([
        [ADMIN, "refused"],
        [MANAGER, "recorded"],
        [MANAGER, "refused"],
        [ISAIAH, "ok"],
      ]);
      return { sent: [sent], cards: [card], clicks: [byAdmin, first, again, second], approvalId, changes };
    },
  },
  {
    id: "canary",
    name: "a canary of 10 in a 200-user bulk: ten applied, then it waits; Continue applies the other 190 once",
    sandbox: { seed: generateSeed({ users: BENCH_USERS }) },
    async run(d) {
      const sent = await d.type("admin", `bulk enable group:${BENCH_GROUP_ID} --canary 10`, {
        inChannel: true,
      });
      const { approvalId, card } = await d.approvalCard(sent);
      const approve = await d.click("manager", "approve", approvalId, card);
      const paused = await d.pauseMessage();
      expect(paused.operationId).toBe(approvalId);
      await d.settle();
      expect(d.patches.size).toBe(10);
      expect(d.posted().summaries).toEqual([]);
      const waiting = await d.card(paused.card);
      contains(waiting.text, [`10 of ${BENCH_USERS} users applied, 0 failed`, `continue ${approvalId}`]);
      expect(waiting.buttons.map((b) => b.decision)).toEqual(["continue", "abort"]);

      const go = await d.press("manager", "continue", approvalId, paused.card);
      await d.summaryPosted();
      await d.settle();
      expect(d.patches.size).toBe(BENCH_USERS);
      for (const n of d.patches.values()) expect(n).toBe(1);
      expect(d.posted().summaries).toHaveLength(1);
      expect(d.answersToClicks("manager", [go]).at(-1)).toContain(`You continued ${approvalId}`);
      const answered = await d.card(paused.card);
      expect(answered.buttons).toEqual([]);
      expect(answered.text).toContain(`Continued by ${MANAGER}`);
      return { sent: [sent], cards: [card, paused.card], clicks: [approve, go], approvalId };
    },
  },
  {
    id: "failurePause",
    name: "a bulk pauses by itself when 30 % of the sandbox's writes fail; Abort leaves the rest unapplied",
    policy: testPolicy({
      ...SCENARIO_POLICY_INPUT,
      canary: { minBulk: 1000, size: 10, maxFailureRate: 0.1 },
    }),
    sandbox: { seed: generateSeed({ users: BENCH_USERS }), writeFailureRate: 0.3 },
    async run(d) {
      const sent = await d.type("admin", `bulk enable group:${BENCH_GROUP_ID}`, { inChannel: true });
      const { approvalId, card } = await d.approvalCard(sent);
      const approve = await d.click("manager", "approve", approvalId, card);
      const paused = await d.pauseMessage();
      await d.settle();
      const written = d.worker.sandbox.stats.count(PATCH_ROUTE);
      expect(d.patches.size).toBeLessThan(BENCH_USERS);
      const view = await d.card(paused.card);
      contains(view.text, ["paused, too many failures", "More than 10% of the latest writes failed"]);

      const stop = await d.press("manager", "abort", approvalId, paused.card);
      await d.settle();
      expect(d.answersToClicks("manager", [stop]).at(-1)).toContain(`You aborted ${approvalId}`);
      expect((await d.worker.deps().operations.get(approvalId))?.state.status).toBe("aborted");
      expect(d.worker.sandbox.stats.count(PATCH_ROUTE)).toBe(written);
      expect((await d.card(paused.card)).text).toContain(`Aborted by ${MANAGER}`);
      expect(d.posted().summaries).toEqual([]);
      return { sent: [sent], cards: [card, paused.card], clicks: [approve, stop], approvalId };
    },
  },
  {
    id: "drift",
    name: "a state changed directly in the sandbox: one alert within one sweep, none on the next, and status shows it",
    policy: testPolicy({
      ...SCENARIO_POLICY_INPUT,
      driftSweep: { everyMinutes: 60 },
      alerts: ALERTS,
    }),
    async run(d) {
      // In the ops channel, so the bot knows the channel (Teams needs that to post there later).
      const sent = await d.type("admin", "enable {alex}", { inChannel: true });
      contains(await d.answerTo(sent), [ALEX.userPrincipalName, STATE_LABELS.enabled]);
      await d.settle();

      // An admin turns it off in the Entra admin center (the sandbox's admin route), not through the bot.
      const outside = await fetch(
        `${d.worker.sandbox.url}/_sandbox/users/${ALEX.userPrincipalName}/mfa-state`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ state: "disabled", by: MANAGER }),
        },
      );
      expect(outside.status).toBe(200);
      expect(d.alerts()).toEqual([]);

      await runDriftSweep(d);
      const alerts = d.alerts();
      expect(alerts).toHaveLength(1);
      contains(alerts[0]!, [ALEX.userPrincipalName, STATE_LABELS.enabled, STATE_LABELS.disabled, MANAGER]);

      await runDriftSweep(d);
      expect(d.alerts()).toHaveLength(1);

      const status = await d.type("helpdesk", "status {alex}");
      contains(await d.answerTo(status), ["Changed outside the bot", STATE_LABELS.disabled]);
      // The bot wrote once (its enable) and never "repaired" the state: alerting is all it does.
      expect(d.worker.sandbox.stats.count(PATCH_ROUTE)).toBe(1);
      return { sent: [sent, status], cards: [], clicks: [] };
    },
  },
];

let sweeps = 0;
/** One drift sweep through the queue, as the periodic job runs it, and everything it led to. */
async function runDriftSweep<S, C, K>(d: ChatDriver<S, C, K>): Promise<void> {
  const slot = Math.floor(Date.now() / 3_600_000);
  sweeps++;
  await d.worker
    .deps()
    .queue.enqueue(
      { kind: "driftSweep", requestId: `test-sweep-${sweeps}`, slot },
      { dedupeKey: `test-sweep-${process.pid}-${sweeps}-${Date.now()}` },
    );
  await d.settle();
}

/** Runs every scenario at one platform, then that platform's own checks of what it left behind. */
export function runScenarios<S, C, K>(
  platform: string,
  start: (policy: Policy, sandbox?: SandboxOptions) => Promise<ChatDriver<S, C, K>>,
  checks: Partial<Record<ScenarioId, (trail: Trail<S, C, K>) => Promise<void>>>,
): void {
  describe(`${platform} end to end: the shared scenarios`, () => {
    for (const scenario of SCENARIOS) {
      it(scenario.name, async () => {
        const trail = await scenario.run(await start(scenario.policy ?? SCENARIO_POLICY, scenario.sandbox));
        await checks[scenario.id]?.(trail);
      });
    }
  });
}

/** One platform run per test, closed after it: `start` opens the test's run. */
export function endToEndRuns<H extends { close(): Promise<void> }>(
  open: (policy: Policy, sandbox?: SandboxOptions) => Promise<H>,
) {
  let current: H | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    async start(policy: Policy = SCENARIO_POLICY, sandbox?: SandboxOptions): Promise<H> {
      current = await open(policy, sandbox);
      return current;
    },
  };
}
