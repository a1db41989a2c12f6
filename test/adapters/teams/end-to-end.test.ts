import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PlanItem } from "../../../src/core/plan-types.js";
import { SANDBOX_GROUPS } from "../../../src/sandbox/default-seed.js";
import type { FakeMember, SentActivity } from "../../helpers/fake-bot-connector.js";
import { ADMIN, HELPDESK, MANAGER, testPolicy } from "../../helpers/worker-harness.js";
import {
  CHANNEL_ID,
  cardActionInvoke,
  channelMessage,
  installationUpdate,
  personalConversationId,
  personalMessage,
  TENANT_ID,
} from "./activities.js";
import { cardOf, MEMBERS, summaryOf, TeamsEndToEnd, textOf } from "./end-to-end-harness.js";

// Commands and card clicks posted over HTTP to /api/messages, answered by a real worker through
// the Teams notifier; Graph is the sandbox tenant, the Bot Connector a local fake.

const FINANCE = `group:${SANDBOX_GROUPS.finance.id}`;
const policy = testPolicy({
  roles: {
    helpdesk: [HELPDESK],
    admin: [ADMIN],
    // The admin approves too, so the self-approval rule (not the role) is what refuses them.
    approver: [MANAGER, MEMBERS.isaiah.userPrincipalName!, ADMIN],
  },
});

/** The 1:1 chat the fake connector creates for a user (Teams gives the same one back each time). */
const dmWith = (member: FakeMember) => `a:dm-${member.aadObjectId}`;
const threadOf = (activity: Record<string, unknown>) => (activity.conversation as { id: string }).id;

let e2e: TeamsEndToEnd;

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});

afterAll(() => {
  nock.enableNetConnect();
});

afterEach(async () => {
  await e2e?.close();
});

async function expectAccepted(activity: Record<string, unknown>): Promise<void> {
  expect((await e2e.post(activity)).status).toBe(200);
}

describe("Teams end to end: commands", () => {
  it("status in a personal chat: the status card comes back with the state Graph reports", async () => {
    e2e = await TeamsEndToEnd.start({ policy });
    await expectAccepted(personalMessage(e2e.serviceUrl, "status alexw@contoso.com", MEMBERS.helpdesk));

    const sent = await e2e.waitForActivity(
      (a) => a.conversationId === personalConversationId(MEMBERS.helpdesk),
    );
    expect(summaryOf(sent)).toBe("MFA status of Alex Wilber (alexw@contoso.com): Disabled");
    expect(cardOf(sent)?.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(textOf(sent)).toMatch(/^State: Disabled$/m);
    expect(textOf(sent)).toMatch(/^Registered for MFA: no$/m);
    // The sender was known by their AAD object id, never by name.
    expect(e2e.connector.memberLookups().map((r) => decodeURIComponent(r.path))).toContain(
      `/v3/conversations/${personalConversationId(MEMBERS.helpdesk)}/members/${MEMBERS.helpdesk.aadObjectId}`,
    );
  });

  it("status in a channel after an @mention of the bot, the user named by a Teams mention", async () => {
    e2e = await TeamsEndToEnd.start({ policy });
    const message = channelMessage(e2e.serviceUrl, `mfa status <at>${MEMBERS.adele.name}</at>`, {
      sender: MEMBERS.helpdesk,
      mentions: [MEMBERS.adele],
    });
    await expectAccepted(message);

    const sent = await e2e.waitForActivity((a) => a.conversationId === threadOf(message));
    // Answered in the thread of the message, with Adele's state from the sandbox.
    expect(threadOf(message)).toMatch(new RegExp(`^${CHANNEL_ID};messageid=`));
    expect(summaryOf(sent)).toBe(
      "MFA status of Adele Vance (adelev@contoso.com): Enabled — waiting for registration",
    );
    expect(textOf(sent)).toMatch(/^State: Enabled — waiting for registration$/m);
    expect(textOf(sent)).toMatch(/^Registered for MFA: no$/m);
  });

  it("a command the sender's role does not allow is refused in the chat and changes nothing", async () => {
    e2e = await TeamsEndToEnd.start({ policy });
    await expectAccepted(personalMessage(e2e.serviceUrl, "enable alexw@contoso.com", MEMBERS.helpdesk));

    const sent = await e2e.waitForActivity(
      (a) => a.conversationId === personalConversationId(MEMBERS.helpdesk),
    );
    expect(textOf(sent)).toMatch(/you need the admin role/);
    await e2e.settle();
    expect(e2e.patches.size).toBe(0);
    expect(e2e.worker.sandbox.tenant.user("alexw@contoso.com")?.perUserMfaState).toBe("disabled");
    expect(e2e.connector.conversations).toHaveLength(0);
  });
});

describe("Teams end to end: approvals through adaptiveCard/action", () => {
  /** `bulk enable` of the Finance group in a channel, up to the approval card in its thread. */
  async function requestBulkInChannel() {
    const message = channelMessage(e2e.serviceUrl, `mfa bulk enable ${FINANCE}`, { sender: MEMBERS.admin });
    await expectAccepted(message);
    const thread = threadOf(message);
    const card = await e2e.waitForActivity(
      (a) => a.conversationId === thread && summaryOf(a).startsWith("Approval needed"),
    );
    const approve = cardOf(card)?.actions.find(
      (a) => a.type === "Action.Execute" && a.verb === "mfa.approve",
    );
    const approvalId = String(approve?.data?.approvalId ?? "");
    expect(approvalId).not.toBe("");
    const found = await e2e.worker.deps().operations.get(approvalId);
    const changes = ((found?.op.plan.items ?? []) as PlanItem[]).filter((i) => i.kind === "change");
    expect(changes.length).toBeGreaterThan(1);
    return { thread, card, approvalId, changes };
  }

  function click(
    clicker: FakeMember,
    thread: string,
    card: SentActivity,
    approvalId: string,
  ): Record<string, unknown> {
    return cardActionInvoke(e2e.serviceUrl, {
      verb: "mfa.approve",
      data: { approvalId },
      clicker,
      conversation: { id: thread, conversationType: "channel" },
      cardActivityId: card.activityId,
    });
  }

  it("bulk enable in a channel posts an approval card with Action.Execute buttons carrying only the id", async () => {
    e2e = await TeamsEndToEnd.start({ policy });
    const { card, approvalId, changes } = await requestBulkInChannel();
    const actions = cardOf(card)?.actions ?? [];
    expect(actions.map((a) => [a.type, a.verb, a.data])).toEqual([
      ["Action.Execute", "mfa.approve", { approvalId }],
      ["Action.Execute", "mfa.reject", { approvalId }],
    ]);
    expect(actions.map((a) => a.fallback?.type)).toEqual(["Action.Submit", "Action.Submit"]);
    expect(summaryOf(card)).toBe(
      `Approval needed: Enable MFA for ${changes.length} users, requested by ${ADMIN}`,
    );
  });

  it("the requester approving their own request is refused, privately, and nothing changes", async () => {
    e2e = await TeamsEndToEnd.start({ policy });
    const { thread, card, approvalId } = await requestBulkInChannel();

    const res = await e2e.post(click(MEMBERS.admin, thread, card, approvalId));
    expect(res).toEqual({
      status: 200,
      body: {
        statusCode: 200,
        type: "application/vnd.microsoft.activity.message",
        value: "Recording your decision…",
      },
    });

    const refusal = await e2e.waitForActivity((a) => a.conversationId === dmWith(MEMBERS.admin));
    expect(textOf(refusal)).toMatch(
      new RegExp(`You cannot approve ${approvalId}: nobody approves their own request`),
    );
    // The 1:1 chat was opened with the clicker, in the tenant the click came from.
    expect(e2e.connector.conversations.map((c) => c.parameters)).toEqual([
      expect.objectContaining({
        members: [expect.objectContaining({ id: MEMBERS.admin.aadObjectId })],
        tenantId: TENANT_ID,
      }),
    ]);
    await e2e.settle();
    // The channel saw only the card: no refusal there, no edit.
    expect(e2e.connector.sentTo(thread).map((a) => [a.kind, a.activityId])).toEqual([
      ["send", card.activityId],
    ]);
    expect(e2e.patches.size).toBe(0);
    expect((await e2e.worker.deps().operations.get(approvalId))?.state.status).toBe("pending");
  });

  it("two approvers clicking at once: one apply per user, one summary, the card updated in place", async () => {
    e2e = await TeamsEndToEnd.start({ policy });
    const { thread, card, approvalId, changes } = await requestBulkInChannel();

    const responses = await Promise.all([
      e2e.post(click(MEMBERS.manager, thread, card, approvalId)),
      e2e.post(click(MEMBERS.isaiah, thread, card, approvalId)),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    await e2e.waitForActivity((a) => a.conversationId === thread && /: finished/.test(summaryOf(a)));
    await e2e.settle();

    for (const change of changes) expect(e2e.patches.get(change.userId.toLowerCase())).toBe(1);
    expect([...e2e.patches.values()].reduce((sum, n) => sum + n, 0)).toBe(changes.length);
    expect(e2e.connector.sentTo(thread).filter((a) => /: finished/.test(summaryOf(a)))).toHaveLength(1);

    // Exactly one decision stood; the other clicker heard why not, in their own 1:1 chat.
    const decider = (await e2e.worker.deps().operations.get(approvalId))?.state.decidedBy;
    const [winner, loser] =
      decider === MANAGER ? [MEMBERS.manager, MEMBERS.isaiah] : [MEMBERS.isaiah, MEMBERS.manager];
    expect(winner.userPrincipalName).toBe(decider);
    expect(e2e.connector.sentTo(dmWith(winner)).map(textOf)).toEqual([`You approved ${approvalId}.`]);
    expect(e2e.connector.sentTo(dmWith(loser)).map(textOf)).toEqual([
      expect.stringMatching(
        new RegExp(`^You cannot approve ${approvalId}: it was already approved by ${decider}`),
      ),
    ]);

    // The card was edited, not reposted: same activity id, who decided, the outcome. (The
    // progress message is edited too, under its own id.)
    const edits = e2e.connector
      .sentTo(thread)
      .filter((a) => a.kind === "update" && summaryOf(a).endsWith(`requested by ${ADMIN}`));
    expect(edits.length).toBeGreaterThan(0);
    expect(edits.map((a) => a.activityId)).toEqual(edits.map(() => card.activityId));
    const last = edits.at(-1)!;
    expect(summaryOf(last)).toBe(`Approved: Enable MFA for ${changes.length} users, requested by ${ADMIN}`);
    expect(textOf(last)).toMatch(
      new RegExp(`^Approved: by ${decider}, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`, "m"),
    );
    expect(textOf(last)).toMatch(new RegExp(`^Applied: ${changes.length} done, 0 failed\\.$`, "m"));
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
    expect(final).toContain(`Done: ${changes.length} of ${changes.length} (100%)`);
  });

  it("one approver clicking twice applies once", async () => {
    e2e = await TeamsEndToEnd.start({ policy });
    const { thread, card, approvalId, changes } = await requestBulkInChannel();

    await Promise.all([
      e2e.post(click(MEMBERS.manager, thread, card, approvalId)),
      e2e.post(click(MEMBERS.manager, thread, card, approvalId)),
    ]);
    await e2e.waitForActivity((a) => a.conversationId === thread && /: finished/.test(summaryOf(a)));
    await e2e.settle();

    for (const change of changes) expect(e2e.patches.get(change.userId.toLowerCase())).toBe(1);
    expect(e2e.connector.sentTo(thread).filter((a) => /: finished/.test(summaryOf(a)))).toHaveLength(1);
    expect(e2e.connector.sentTo(dmWith(MEMBERS.manager)).map(textOf)).toContain(
      `You approved ${approvalId}.`,
    );
    expect(
      e2e.connector.sentTo(dmWith(MEMBERS.manager)).filter((a) => /You approved/.test(textOf(a))),
    ).toHaveLength(1);
  });
});

describe("Teams end to end: the register reminder after enable", () => {
  const alex = MEMBERS.alex;

  async function enableAlex(): Promise<void> {
    await expectAccepted(personalMessage(e2e.serviceUrl, `enable ${alex.userPrincipalName}`, MEMBERS.admin));
    const done = await e2e.waitForActivity((a) => a.conversationId === personalConversationId(MEMBERS.admin));
    expect(summaryOf(done)).toMatch(/^Enable MFA: done \(operation /);
  }

  it("opens a 1:1 chat with the user, by their Entra object id, and sends the reminder there", async () => {
    e2e = await TeamsEndToEnd.start({ policy });
    await enableAlex();

    const dm = await e2e.waitForActivity((a) => a.conversationId === dmWith(alex));
    expect(summaryOf(dm)).toBe("Set up multifactor authentication");
    expect(textOf(dm)).toContain(
      `Your account ${alex.userPrincipalName} now requires multifactor authentication`,
    );
    expect(textOf(dm)).toContain("https://aka.ms/mfasetup");
    expect(textOf(dm)).toContain(`Requested by ${ADMIN}.`);
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
    await e2e.settle();
    expect(e2e.worker.sandbox.tenant.user(alex.aadObjectId)?.perUserMfaState).toBe("enabled");
    expect(e2e.patches.get(alex.aadObjectId)).toBe(1);
  });

  it("uses the 1:1 chat stored when the user installed the app, without creating one", async () => {
    e2e = await TeamsEndToEnd.start({ policy });
    await expectAccepted(installationUpdate(e2e.serviceUrl, alex, "add"));
    await enableAlex();

    const dm = await e2e.waitForActivity((a) => a.conversationId === personalConversationId(alex));
    expect(summaryOf(dm)).toBe("Set up multifactor authentication");
    expect(dm.kind).toBe("send");
    await e2e.settle();
    expect(e2e.connector.conversations).toHaveLength(0);
    expect(e2e.connector.sentTo(dmWith(alex))).toHaveLength(0);
  });
});
