import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../../../adapters/slack/action-ids.js";
import type { PlanItem } from "../../../src/core/plan-types.js";
import { SANDBOX_GROUPS, SANDBOX_SAMPLE_USERS } from "../../../src/sandbox/default-seed.js";
import { ADMIN, HELPDESK, MANAGER, testPolicy } from "../../helpers/worker-harness.js";
import { blockText, buttonsOf, CHANNEL, PEOPLE, type Person, SlackEndToEnd } from "./end-to-end-harness.js";

// Signed slash commands and button clicks posted over HTTP to /slack/events, answered by a real
// worker through the Slack notifier; Graph is the sandbox tenant, Slack's Web API and
// response_url a local fake.

const FINANCE = `group:${SANDBOX_GROUPS.finance.id}`;
const policy = testPolicy({
  roles: {
    helpdesk: [HELPDESK],
    admin: [ADMIN],
    // The admin approves too, so the self-approval rule (not the role) is what refuses them.
    approver: [MANAGER, PEOPLE.isaiah.email, ADMIN],
  },
});

/** The DM channel the fake opens with a Slack user. */
const dmWith = (person: Person) => `D${person.id.slice(1)}`;

let e2e: SlackEndToEnd;

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

function postsTo(channel: string) {
  return e2e.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === channel);
}

describe("Slack end to end: commands", () => {
  it("status of a mentioned user: an ephemeral Block Kit answer with the state the sandbox reports", async () => {
    e2e = await SlackEndToEnd.start({ policy });
    const alex = await e2e.slash(PEOPLE.helpdesk, `status <@${PEOPLE.alex.id}|alexw>`);
    // A quick command gets an empty ack; the answer follows through response_url.
    expect(alex.status).toBe(200);
    expect(alex.text).toBe("");
    const adele = await e2e.slash(PEOPLE.helpdesk, "status adelev@contoso.com");
    expect(adele.status).toBe(200);

    const answer = await e2e.answerAt(alex.responseUrl);
    expect(answer).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(answer.text).toBe("Alex Wilber (alexw@contoso.com): ⚪ Disabled");
    const text = blockText(answer.blocks);
    expect(text).toContain("*Alex Wilber (alexw@contoso.com)*");
    expect(text).toContain("*Per-user MFA*\n⚪ Disabled");
    expect(text).toContain("*Registered for MFA*\n❌ No");
    expect(text).toContain(`Entra object id \`${SANDBOX_SAMPLE_USERS.disabledUnregistered.id}\``);

    const adeleAnswer = await e2e.answerAt(adele.responseUrl);
    expect(adeleAnswer.response_type).toBe("ephemeral");
    expect(blockText(adeleAnswer.blocks)).toContain("*Per-user MFA*\n🟡 Enabled — waiting for registration");

    await e2e.settle();
    // The requester and the mention were known by their Slack profile emails.
    expect(e2e.fake.callsTo("users.info").map((c) => c.args.user)).toEqual(
      expect.arrayContaining([PEOPLE.helpdesk.id, PEOPLE.alex.id]),
    );
    // Private answers only: nothing in the channel, nothing changed.
    expect(e2e.fake.callsTo("chat.postMessage")).toHaveLength(0);
    expect(e2e.fake.callsTo("chat.postEphemeral")).toHaveLength(0);
    expect(e2e.patches.size).toBe(0);
  });

  it("enable: the change result privately, the state changed in the sandbox, a register DM to the user", async () => {
    e2e = await SlackEndToEnd.start({ policy });
    const res = await e2e.slash(PEOPLE.admin, `enable <@${PEOPLE.alex.id}|alexw> --reason "new laptop"`);
    expect(res.status).toBe(200);

    const answer = await e2e.answerAt(res.responseUrl);
    expect(answer.response_type).toBe("ephemeral");
    expect(answer.text).toBe("Enable MFA: alexw@contoso.com is now 🟡 Enabled — waiting for registration");
    const text = blockText(answer.blocks);
    expect(text).toContain("*alexw@contoso.com*: ⚪ Disabled → 🟡 Enabled — waiting for registration");
    expect(text).toMatch(/Operation `[^`]+` · undo with `\/mfa undo [^`]+`/);

    const dm = await e2e.fake.waitFor(() => postsTo(dmWith(PEOPLE.alex))[0], 15_000);
    expect(String(dm.args.text)).toContain(
      "Your account alexw@contoso.com is now enabled for multi-factor authentication (MFA)",
    );
    expect(String(dm.args.text)).toContain("https://aka.ms/mfasetup");
    expect(blockText(JSON.parse(String(dm.args.blocks)))).toContain(`Requested by ${ADMIN}`);
    // Found by email, then a DM channel opened with that Slack user.
    expect(e2e.fake.callsTo("users.lookupByEmail").map((c) => c.args.email)).toEqual([PEOPLE.alex.email]);
    expect(e2e.fake.callsTo("conversations.open").map((c) => c.args.users)).toEqual([PEOPLE.alex.id]);

    await e2e.settle();
    const alex = SANDBOX_SAMPLE_USERS.disabledUnregistered;
    expect(e2e.worker.sandbox.tenant.user(alex.id)?.perUserMfaState).toBe("enabled");
    expect(e2e.patches.get(alex.id)).toBe(1);
    expect(e2e.fake.responsesTo(res.responseUrl)).toHaveLength(1);
    expect(postsTo(CHANNEL)).toHaveLength(0);
  });

  it("enforce of a user who has not registered is refused, says why, and changes nothing", async () => {
    e2e = await SlackEndToEnd.start({ policy });
    const res = await e2e.slash(PEOPLE.admin, "enforce alexw@contoso.com");
    expect(res.status).toBe(200);

    const answer = await e2e.answerAt(res.responseUrl);
    expect(answer.response_type).toBe("ephemeral");
    const text = blockText(answer.blocks);
    expect(text).toContain("*Enforce MFA*: nothing to change");
    expect(text).toMatch(/\*Refused\*\n• alexw@contoso\.com: .*hasn't completed MFA registration/);
    expect(text).toContain("Enable them instead");

    await e2e.settle();
    expect(e2e.patches.size).toBe(0);
    expect(e2e.worker.sandbox.tenant.user("alexw@contoso.com")?.perUserMfaState).toBe("disabled");
    expect(e2e.fake.callsTo("chat.postMessage")).toHaveLength(0);
    expect(e2e.fake.callsTo("conversations.open")).toHaveLength(0);
  });

  it("hostile text gets a safe usage answer in the ack, and nothing is queued or sent", async () => {
    e2e = await SlackEndToEnd.start({ policy });
    const mentions = Array.from({ length: 700 }, (_, i) => `<@U${String(i).padStart(6, "0")}|u${i}>`).join(
      " ",
    );
    expect(mentions.length).toBeGreaterThan(10_000);
    const hostile = [
      `<!channel> please look`,
      `enable <!here> <!everyone>`,
      `status ${mentions}`,
      `bulk   ✨ 🙂 \u202egnp.exe\u202c Ωmega <https://evil.example|click me>`,
    ];
    for (const text of hostile) {
      const res = await e2e.slash(PEOPLE.helpdesk, text);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ response_type: "ephemeral" });
      const answer = JSON.stringify(res.json);
      expect(answer).toMatch(/Usage|unknown command|Commands/i);
      expect(answer).not.toMatch(/<[!@#]/);
      expect(answer).not.toContain("<https://evil");
      expect(answer).not.toContain("\u202e");
      expect(answer).not.toMatch(/(^|[^\u2060])@(channel|here|everyone)\b/);
      expect(answer.length).toBeLessThan(40_000);
    }
    await e2e.settle();
    expect(await e2e.worker.queue.queue.getJobCountByTypes("completed", "failed", "waiting")).toBe(0);
    expect(e2e.fake.calls).toHaveLength(0);
    expect(e2e.fake.responses).toHaveLength(0);
  });
});

describe("Slack end to end: bulk enable with approval", () => {
  /** `/mfa bulk enable` of the Finance group, up to the approval card in the channel. */
  async function requestBulk() {
    const res = await e2e.slash(PEOPLE.admin, `bulk enable ${FINANCE} --reason "finance rollout"`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringContaining("Working on it"),
    });
    const card = await e2e.fake.waitFor(
      () =>
        [...e2e.fake.messages.values()].find((m) => m.channel === CHANNEL && buttonsOf(m.blocks).length > 0),
      15_000,
    );
    const cardTs = card.ts;
    const buttons = buttonsOf(card.blocks);
    const approvalId = buttons[0]!.value;
    const found = await e2e.worker.deps().operations.get(approvalId);
    const changes = ((found?.op.plan.items ?? []) as PlanItem[]).filter((i) => i.kind === "change");
    expect(changes.length).toBeGreaterThan(1);
    return { res, card, cardTs, buttons, approvalId, changes };
  }

  it("posts an approval card in the channel whose buttons carry only the approval id", async () => {
    e2e = await SlackEndToEnd.start({ policy });
    const { card, buttons, approvalId, changes } = await requestBulk();
    expect(postsTo(CHANNEL)).toHaveLength(1);
    expect(buttons.map((b) => [b.action_id, b.value, b.style])).toEqual([
      [APPROVE_ACTION_ID, approvalId, "primary"],
      [REJECT_ACTION_ID, approvalId, "danger"],
    ]);
    expect(buttons[0]!.confirm).toBeDefined();
    expect(card.text).toBe(`Approval needed: Enable MFA for ${changes.length} users, requested by ${ADMIN}`);
    const text = blockText(card.blocks);
    expect(text).toContain(`*Requested by* ${ADMIN}`);
    expect(text).toContain("*Reason:* finance rollout");
    expect(text).toContain(`*Will change*\n${changes.length}`);
    expect(text).toContain("the requester cannot approve it");
    await e2e.settle();
    expect(e2e.patches.size).toBe(0);
  });

  it("the requester clicking Approve is refused, to them only, and nothing changes", async () => {
    e2e = await SlackEndToEnd.start({ policy });
    const { cardTs, approvalId } = await requestBulk();

    const click = await e2e.click(PEOPLE.admin, APPROVE_ACTION_ID, approvalId, cardTs);
    expect(click.status).toBe(200);
    expect(click.text).toBe("");

    const refusal = await e2e.answerAt(click.responseUrl);
    expect(refusal).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(String(refusal.text)).toContain(
      `You cannot approve ${approvalId}: nobody approves their own request; another approver must.`,
    );
    await e2e.settle();
    // The channel saw the card and nothing else: no refusal there, no edit.
    expect(postsTo(CHANNEL)).toHaveLength(1);
    expect(e2e.fake.callsTo("chat.update")).toHaveLength(0);
    expect(e2e.fake.callsTo("chat.postEphemeral")).toHaveLength(0);
    expect(e2e.patches.size).toBe(0);
    expect((await e2e.worker.deps().operations.get(approvalId))?.state.status).toBe("pending");
  });

  it("two approvers clicking at once: one apply per user, the card replaced in place, one progress message, one summary", async () => {
    e2e = await SlackEndToEnd.start({ policy });
    const { cardTs, approvalId, changes } = await requestBulk();

    const [byManager, byIsaiah] = await Promise.all([
      e2e.click(PEOPLE.manager, APPROVE_ACTION_ID, approvalId, cardTs),
      e2e.click(PEOPLE.isaiah, APPROVE_ACTION_ID, approvalId, cardTs),
    ]);
    expect([byManager.status, byIsaiah.status]).toEqual([200, 200]);
    await e2e.fake.waitFor(
      () => postsTo(CHANNEL).find((c) => /^Enable MFA: done/.test(String(c.args.text))),
      20_000,
    );
    await e2e.settle(20_000);

    // Each user was written once, whoever clicked.
    for (const change of changes) expect(e2e.patches.get(change.userId.toLowerCase())).toBe(1);
    expect([...e2e.patches.values()].reduce((sum, n) => sum + n, 0)).toBe(changes.length);
    // What Graph reported back after each write is what the sandbox holds: Enabled — those with
    // registration details too, until they re-register (the reference page).
    const results = await e2e.worker.deps().operations.results(approvalId);
    for (const change of changes) {
      const now = (results.get(change.userId) as { now?: string } | undefined)?.now;
      expect(now).toBe("enabled");
      expect(e2e.worker.sandbox.tenant.user(change.userId)?.perUserMfaState).toBe(now);
    }

    // Exactly one decision stood; the other clicker heard why not, privately.
    const decider = (await e2e.worker.deps().operations.get(approvalId))?.state.decidedBy;
    const [winner, loser] = decider === MANAGER ? [byManager, byIsaiah] : [byIsaiah, byManager];
    expect([MANAGER, PEOPLE.isaiah.email]).toContain(decider);
    expect(e2e.fake.responsesTo(winner.responseUrl).map((r) => r.body.text)).toEqual([
      `ℹ️ You approved ${approvalId}.`,
    ]);
    const lost = e2e.fake.responsesTo(loser.responseUrl).map((r) => r.body);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ response_type: "ephemeral" });
    expect(String(lost[0]!.text)).toContain(
      `You cannot approve ${approvalId}: it was already approved by ${decider}`,
    );

    // In the channel: the card, one progress message and one summary were posted, nothing more.
    const posts = postsTo(CHANNEL).map((c) => String(c.args.text));
    expect(posts).toHaveLength(3);
    expect(posts.filter((t) => t.startsWith("Approval needed"))).toHaveLength(1);
    expect(posts.filter((t) => t.startsWith("⏳"))).toHaveLength(1);
    expect(posts.filter((t) => /^Enable MFA: done/.test(t))).toEqual([
      `Enable MFA: done: ${changes.length} users changed, 0 failed`,
    ]);

    // The card was replaced for everyone on the same ts: who decided, the outcome, no buttons.
    const card = e2e.fake.message(CHANNEL, cardTs)!;
    expect(card.edits.length).toBeGreaterThan(0);
    expect(card.text).toBe(`✅ Approved: Enable MFA for ${changes.length} users`);
    expect(buttonsOf(card.blocks)).toEqual([]);
    const cardText = blockText(card.blocks);
    expect(cardText).toMatch(
      new RegExp(
        `✅ Approved by ${decider!.replace(/\./g, "\\.")}, <!date\\^\\d+\\^[^|]+\\|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC>`,
      ),
    );
    expect(cardText).toContain(`Applied: ${changes.length} done, 0 failed.`);

    // One progress message, edited in place, that ends with every user done.
    const progress = [...e2e.fake.messages.values()].find(
      (m) => m.channel === CHANNEL && m.text.startsWith("⏳"),
    )!;
    expect(progress.edits.length).toBeGreaterThan(0);
    expect(progress.text).toBe(`⏳ Enable MFA: ${changes.length} of ${changes.length} done`);
    // Every edit went to one of those two messages.
    const edited = new Set(e2e.fake.callsTo("chat.update").map((c) => `${c.args.channel}:${c.args.ts}`));
    expect(edited).toEqual(new Set([`${CHANNEL}:${cardTs}`, `${CHANNEL}:${progress.ts}`]));

    // Alex (in Finance and in Slack) got the register DM.
    const dm = await e2e.fake.waitFor(() => postsTo(dmWith(PEOPLE.alex))[0], 15_000);
    expect(String(dm.args.text)).toContain("https://aka.ms/mfasetup");
  });
});
