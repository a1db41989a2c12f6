import { describe, expect, it } from "vitest";
import { localNetworkOnly } from "../../helpers/local-network.js";
import { ADMIN, MANAGER } from "../../helpers/worker-harness.js";
import type { ScenarioId, Trail } from "../end-to-end/scenarios.js";
import { endToEndRuns, runScenarios } from "../end-to-end/scenarios.js";
import {
  CHANNEL_ID,
  channelMessage,
  installationUpdate,
  personalConversationId,
  personalMessage,
  TENANT_ID,
} from "./activities.js";
import {
  cardOf,
  MEMBERS,
  summaryOf,
  type TeamsCard,
  type TeamsClick,
  TeamsEndToEnd,
  type TeamsSent,
  teamsDriver,
  textOf,
} from "./end-to-end-harness.js";

// Commands and card clicks posted over HTTP to /api/messages, answered by a real worker through
// the Teams notifier; Graph is the sandbox tenant, the Bot Connector a local fake. The
// scenarios are the ones Slack runs too (test/adapters/end-to-end/scenarios.ts); the checks
// below add what is Teams' own: Adaptive Cards, invoke responses, 1:1 chats, mentions.

/** The 1:1 chat the fake connector creates for a user (Teams gives the same one back each time). */
const dmWith = (member: { aadObjectId: string }) => `a:dm-${member.aadObjectId}`;
const threadOf = (activity: Record<string, unknown>) => (activity.conversation as { id: string }).id;

let e2e: TeamsEndToEnd;
/** Every test opens its own run (a fresh worker, queue prefix and fake), closed after it. */
const runs = endToEndRuns(async (policy, sandbox) => {
  e2e = await TeamsEndToEnd.start({ policy, ...(sandbox ? { sandbox } : {}) });
  return e2e;
});

localNetworkOnly();

type TeamsTrail = Trail<TeamsSent, TeamsCard, TeamsClick>;

/** Teams' own checks of each shared scenario, from what the run left behind. */
const TEAMS_CHECKS: Partial<Record<ScenarioId, (trail: TeamsTrail) => Promise<void>>> = {
  async status({ sent: [alex] }) {
    const sent = e2e.connector.sentTo(alex!.conversation)[alex!.before]!;
    expect(summaryOf(sent)).toBe("MFA status of Alex Wilber (alexw@contoso.com): Disabled");
    expect(cardOf(sent)?.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(textOf(sent)).toMatch(/^State: Disabled$/m);
    expect(textOf(sent)).toMatch(/^Registered for MFA: no$/m);
    // The sender was known by their AAD object id, never by name.
    expect(e2e.connector.memberLookups().map((r) => decodeURIComponent(r.path))).toContain(
      `/v3/conversations/${personalConversationId(MEMBERS.helpdesk)}/members/${MEMBERS.helpdesk.aadObjectId}`,
    );
  },

  async enable({ sent: [enable] }) {
    const done = e2e.connector.sentTo(enable!.conversation)[enable!.before]!;
    expect(summaryOf(done)).toMatch(/^Enable MFA: done \(operation /);
    // A 1:1 chat opened with the user, by their Entra object id, in the request's tenant.
    const alex = MEMBERS.alex;
    const dm = e2e.connector.sentTo(dmWith(alex)).at(-1)!;
    expect(summaryOf(dm)).toBe("Set up multifactor authentication");
    expect(e2e.connector.conversations).toEqual([
      {
        conversationId: dmWith(alex),
        parameters: expect.objectContaining({
          isGroup: false,
          members: [expect.objectContaining({ id: alex.aadObjectId })],
          tenantId: TENANT_ID,
        }),
      },
    ]);
  },

  async roleRefused() {
    expect(e2e.connector.conversations).toHaveLength(0);
  },

  async approvalCard({ cards: [card], approvalId, changes }) {
    const sent = e2e.connector.sentTo(card!.thread).find((a) => a.activityId === card!.activityId)!;
    const actions = cardOf(sent)?.actions ?? [];
    expect(actions.map((a) => [a.type, a.verb, a.data])).toEqual([
      ["Action.Execute", "mfa.approve", { approvalId }],
      ["Action.Execute", "mfa.reject", { approvalId }],
    ]);
    expect(actions.map((a) => a.fallback?.type)).toEqual(["Action.Submit", "Action.Submit"]);
    expect(summaryOf(sent)).toBe(
      `Approval needed: Enable MFA for ${changes!.length} users, requested by ${ADMIN}`,
    );
  },

  async selfApproval({ cards: [card], clicks: [click] }) {
    expect(click).toEqual({
      status: 200,
      body: {
        statusCode: 200,
        type: "application/vnd.microsoft.activity.message",
        value: "Recording your decision…",
      },
    });
    // The 1:1 chat was opened with the clicker, in the tenant the click came from.
    expect(e2e.connector.conversations.map((c) => c.parameters)).toEqual([
      expect.objectContaining({
        members: [expect.objectContaining({ id: MEMBERS.admin.aadObjectId })],
        tenantId: TENANT_ID,
      }),
    ]);
    // The channel saw only the card: no refusal there, no edit.
    expect(e2e.connector.sentTo(card!.thread).map((a) => [a.kind, a.activityId])).toEqual([
      ["send", card!.activityId],
    ]);
  },

  async twoApprovers({ cards: [card], clicks, approvalId, changes }) {
    expect(clicks.map((r) => r.status)).toEqual([200, 200]);
    const thread = card!.thread;
    const decider = (await e2e.worker.deps().operations.get(approvalId!))?.state.decidedBy;
    const [winner, loser] =
      decider === MANAGER ? [MEMBERS.manager, MEMBERS.isaiah] : [MEMBERS.isaiah, MEMBERS.manager];
    expect(winner.userPrincipalName).toBe(decider);
    expect(e2e.connector.sentTo(dmWith(winner)).map(textOf)).toEqual([`You approved ${approvalId}.`]);
    expect(e2e.connector.sentTo(dmWith(loser)).map(textOf)).toEqual([
      expect.stringMatching(
        new RegExp(`^You cannot approve ${approvalId}: it was already approved by ${decider}`),
      ),
    ]);

    // The card was edited, not reposted: same activity id, who decided, the outcome.
    const edits = e2e.connector
      .sentTo(thread)
      .filter((a) => a.kind === "update" && summaryOf(a).endsWith(`requested by ${ADMIN}`));
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.map((a) => a.activityId)).toEqual(edits.map(() => card!.activityId));
    const last = edits.at(-1)!;
    expect(summaryOf(last)).toBe(`Approved: Enable MFA for ${changes!.length} users, requested by ${ADMIN}`);
    expect(textOf(last)).toMatch(
      new RegExp(`^Approved: by ${decider}, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`, "m"),
    );
    expect(textOf(last)).toMatch(new RegExp(`^Applied: ${changes!.length} done, 0 failed\\.$`, "m"));
    expect(cardOf(last)?.actions).toEqual([]);
    expect(
      e2e.connector.sentTo(thread).filter((a) => summaryOf(a).startsWith("Approval needed")),
    ).toHaveLength(1);

    // One progress message, edited in place, that ends saying it finished.
    const progress = e2e.connector.sentTo(thread).filter((a) => / of \d+ done$/.test(summaryOf(a)));
    const posted = progress.filter((a) => a.kind === "send");
    expect(posted).toHaveLength(1);
    expect(progress.every((a) => a.activityId === posted[0]!.activityId)).toBe(true);
    const final = textOf(progress.at(-1)!);
    expect(final).toMatch(/^Enable MFA: finished$/m);
    expect(final).toContain(`Done: ${changes!.length} of ${changes!.length} (100%)`);
  },

  async doubleClick({ approvalId }) {
    expect(e2e.connector.sentTo(dmWith(MEMBERS.manager)).map(textOf)).toContain(
      `You approved ${approvalId}.`,
    );
  },
};

runScenarios(
  "Teams",
  async (policy, sandbox) => teamsDriver(await runs.start(policy, sandbox)),
  TEAMS_CHECKS,
);

describe("Teams end to end: Teams' own", () => {
  it("status in a channel after an @mention of the bot, the user named by a Teams mention", async () => {
    await runs.start();
    const message = channelMessage(e2e.serviceUrl, `mfa status <at>${MEMBERS.adele.name}</at>`, {
      sender: MEMBERS.helpdesk,
      mentions: [MEMBERS.adele],
    });
    expect((await e2e.post(message)).status).toBe(200);

    const sent = await e2e.waitForActivity((a) => a.conversationId === threadOf(message));
    // Answered in the thread of the message, with Adele's state from the sandbox.
    expect(threadOf(message)).toMatch(new RegExp(`^${CHANNEL_ID};messageid=`));
    expect(summaryOf(sent)).toBe(
      "MFA status of Adele Vance (adelev@contoso.com): Enabled — waiting for registration",
    );
    expect(textOf(sent)).toMatch(/^State: Enabled — waiting for registration$/m);
    expect(textOf(sent)).toMatch(/^Registered for MFA: no$/m);
  });

  it("sends the register reminder through the 1:1 chat stored when the user installed the app", async () => {
    await runs.start();
    const alex = MEMBERS.alex;
    expect((await e2e.post(installationUpdate(e2e.serviceUrl, alex, "add"))).status).toBe(200);
    const enable = personalMessage(e2e.serviceUrl, `enable ${alex.userPrincipalName}`, MEMBERS.admin);
    expect((await e2e.post(enable)).status).toBe(200);
    const done = await e2e.waitForActivity((a) => a.conversationId === personalConversationId(MEMBERS.admin));
    expect(summaryOf(done)).toMatch(/^Enable MFA: done \(operation /);

    const dm = await e2e.waitForActivity((a) => a.conversationId === personalConversationId(alex));
    expect(summaryOf(dm)).toBe("Set up multifactor authentication");
    expect(dm.kind).toBe("send");
    await e2e.settle();
    expect(e2e.connector.conversations).toHaveLength(0);
    expect(e2e.connector.sentTo(dmWith(alex))).toHaveLength(0);
  });
});
