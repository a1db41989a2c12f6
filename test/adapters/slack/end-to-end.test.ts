import { describe, expect, it } from "vitest";
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../../../adapters/slack/action-ids.js";
import { SANDBOX_SAMPLE_USERS } from "../../../src/sandbox/default-seed.js";
import { localNetworkOnly } from "../../helpers/local-network.js";
import { ADMIN, MANAGER } from "../../helpers/worker-harness.js";
import type { ScenarioId, Trail } from "../end-to-end/scenarios.js";
import { endToEndRuns, runScenarios } from "../end-to-end/scenarios.js";
import {
  blockText,
  buttonsOf,
  CHANNEL,
  dmWith,
  PEOPLE,
  type SlackClick,
  SlackEndToEnd,
  type SlackSent,
  slackDriver,
} from "./end-to-end-harness.js";

// Signed slash commands and button clicks posted over HTTP to /slack/events, answered by a real
// worker through the Slack notifier; Graph is the sandbox tenant, Slack's Web API and
// response_url a local fake. The scenarios are the ones Teams runs too
// (test/adapters/end-to-end/scenarios.ts); the checks below add what is Slack's own: acks,
// ephemeral answers, Block Kit, and which Web API methods were called.

let e2e: SlackEndToEnd;
/** Every test opens its own run (a fresh worker, queue prefix and fake), closed after it. */
const runs = endToEndRuns(async (policy, sandbox) => {
  e2e = await SlackEndToEnd.start({ policy, ...(sandbox ? { sandbox } : {}) });
  return e2e;
});

localNetworkOnly();

function postsTo(channel: string) {
  return e2e.fake.callsTo("chat.postMessage").filter((c) => c.args.channel === channel);
}

type SlackTrail = Trail<SlackSent, string, SlackClick>;

/** Slack's own checks of each shared scenario, from what the run left behind. */
const SLACK_CHECKS: Partial<Record<ScenarioId, (trail: SlackTrail) => Promise<void>>> = {
  async status({ sent: [alex, adele] }) {
    // A quick command gets an empty ack; the answer follows through response_url.
    expect(alex!.status).toBe(200);
    expect(alex!.text).toBe("");
    expect(adele!.status).toBe(200);
    const answer = await e2e.answerAt(alex!.responseUrl);
    expect(answer).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(answer.text).toBe("Alex Wilber (alexw@contoso.com): ⚪ Disabled");
    const text = blockText(answer.blocks);
    expect(text).toContain("*Alex Wilber (alexw@contoso.com)*");
    expect(text).toContain("*Per-user MFA*\n⚪ Disabled");
    expect(text).toContain("*Registered for MFA*\n❌ No");
    expect(text).toContain(`Entra object id \`${SANDBOX_SAMPLE_USERS.disabledUnregistered.id}\``);

    const adeleAnswer = await e2e.answerAt(adele!.responseUrl);
    expect(adeleAnswer.response_type).toBe("ephemeral");
    expect(blockText(adeleAnswer.blocks)).toContain("*Per-user MFA*\n🟡 Enabled — waiting for registration");

    // The requester and the mention were known by their Slack profile emails.
    expect(e2e.fake.callsTo("users.info").map((c) => c.args.user)).toEqual(
      expect.arrayContaining([PEOPLE.helpdesk.id, PEOPLE.alex.id]),
    );
    // Private answers only: nothing in the channel.
    expect(e2e.fake.callsTo("chat.postMessage")).toHaveLength(0);
    expect(e2e.fake.callsTo("chat.postEphemeral")).toHaveLength(0);
  },

  async enable({ sent: [res] }) {
    expect(res!.status).toBe(200);
    const answer = await e2e.answerAt(res!.responseUrl);
    expect(answer.response_type).toBe("ephemeral");
    expect(answer.text).toBe("Enable MFA: alexw@contoso.com is now 🟡 Enabled — waiting for registration");
    const text = blockText(answer.blocks);
    expect(text).toContain("*alexw@contoso.com*: ⚪ Disabled → 🟡 Enabled — waiting for registration");
    expect(text).toMatch(/Operation `[^`]+` · undo with `\/mfa undo [^`]+`/);

    const dm = postsTo(dmWith(PEOPLE.alex))[0]!;
    expect(String(dm.args.text)).toContain(
      "Your account alexw@contoso.com is now enabled for multi-factor authentication (MFA)",
    );
    expect(blockText(JSON.parse(String(dm.args.blocks)))).toContain(`Requested by ${ADMIN}`);
    // Found by email, then a DM channel opened with that Slack user.
    expect(e2e.fake.callsTo("users.lookupByEmail").map((c) => c.args.email)).toEqual([PEOPLE.alex.email]);
    expect(e2e.fake.callsTo("conversations.open").map((c) => c.args.users)).toEqual([PEOPLE.alex.id]);
    expect(e2e.fake.responsesTo(res!.responseUrl)).toHaveLength(1);
    expect(postsTo(CHANNEL)).toHaveLength(0);
  },

  async enforceRefused({ sent: [res] }) {
    expect(res!.status).toBe(200);
    const answer = await e2e.answerAt(res!.responseUrl);
    expect(answer.response_type).toBe("ephemeral");
    const text = blockText(answer.blocks);
    expect(text).toContain("*Enforce MFA*: nothing to change");
    expect(text).toMatch(/\*Refused\*\n• alexw@contoso\.com: .*hasn't completed MFA registration/);
    expect(e2e.fake.callsTo("chat.postMessage")).toHaveLength(0);
    expect(e2e.fake.callsTo("conversations.open")).toHaveLength(0);
  },

  async notACommand({ sent: [res] }) {
    // Answered in the ack itself, before any Slack or Graph call.
    expect(res!.status).toBe(200);
    expect(res!.json).toMatchObject({ response_type: "ephemeral" });
    expect(e2e.fake.calls).toHaveLength(0);
    expect(e2e.fake.responses).toHaveLength(0);
  },

  async approvalCard({ sent: [res], cards: [cardTs], approvalId, changes }) {
    expect(res!.status).toBe(200);
    expect(res!.json).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringContaining("Working on it"),
    });
    expect(postsTo(CHANNEL)).toHaveLength(1);
    const card = e2e.fake.message(CHANNEL, cardTs!)!;
    const buttons = buttonsOf(card.blocks);
    expect(buttons.map((b) => [b.action_id, b.value, b.style])).toEqual([
      [APPROVE_ACTION_ID, approvalId, "primary"],
      [REJECT_ACTION_ID, approvalId, "danger"],
    ]);
    expect(buttons[0]!.confirm).toBeDefined();
    expect(card.text).toBe(`Approval needed: Enable MFA for ${changes!.length} users, requested by ${ADMIN}`);
    const text = blockText(card.blocks);
    expect(text).toContain(`*Requested by* ${ADMIN}`);
    expect(text).toContain("*Reason:* finance rollout");
    expect(text).toContain(`*Will change*\n${changes!.length}`);
    expect(text).toContain("the requester cannot approve it");
  },

  async selfApproval({ clicks: [click] }) {
    expect(click!.status).toBe(200);
    expect(click!.text).toBe("");
    const refusal = await e2e.answerAt(click!.responseUrl);
    expect(refusal).toMatchObject({ response_type: "ephemeral", replace_original: false });
    // The channel saw the card and nothing else: no refusal there, no edit.
    expect(postsTo(CHANNEL)).toHaveLength(1);
    expect(e2e.fake.callsTo("chat.update")).toHaveLength(0);
    expect(e2e.fake.callsTo("chat.postEphemeral")).toHaveLength(0);
  },

  async twoApprovers({ clicks: [byManager, byIsaiah], cards: [cardTs], approvalId, changes }) {
    expect([byManager!.status, byIsaiah!.status]).toEqual([200, 200]);
    const decider = (await e2e.worker.deps().operations.get(approvalId!))?.state.decidedBy;
    const [winner, loser] = decider === MANAGER ? [byManager!, byIsaiah!] : [byIsaiah!, byManager!];
    expect(e2e.fake.responsesTo(winner.responseUrl).map((r) => r.body.text)).toEqual([
      `ℹ️ You approved ${approvalId}.`,
    ]);
    expect(e2e.fake.responsesTo(loser.responseUrl)[0]!.body).toMatchObject({ response_type: "ephemeral" });

    // In the channel: the card and one progress message were posted, and one summary shared with
    // its chart (files.completeUploadExternal), nothing more.
    const posts = postsTo(CHANNEL).map((c) => String(c.args.text));
    expect(posts).toHaveLength(2);
    expect(posts.filter((t) => t.startsWith("Approval needed"))).toHaveLength(1);
    expect(posts.filter((t) => t.startsWith("⏳"))).toHaveLength(1);
    expect(e2e.fake.shares).toHaveLength(1);
    const [summary] = e2e.fake.shares;
    expect(summary!.channel).toBe(CHANNEL);
    expect(blockText(summary!.blocks)).toMatch(/^✅ Enable MFA: done/);
    expect(summary!.files.map((f) => f.filename)).toEqual(["mfa-rollout.png"]);
    expect(summary!.files[0]!.altText).toContain(`Changed: ${changes!.length}`);

    // The card was replaced for everyone on the same ts.
    const card = e2e.fake.message(CHANNEL, cardTs!)!;
    expect(card.text).toBe(`✅ Approved: Enable MFA for ${changes!.length} users`);
    expect(blockText(card.blocks)).toMatch(
      new RegExp(
        `✅ Approved by ${decider!.replace(/\./g, "\\.")}, <!date\\^\\d+\\^[^|]+\\|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC>`,
      ),
    );

    // One progress message, edited in place, that ends with every user done.
    const progress = [...e2e.fake.messages.values()].find(
      (m) => m.channel === CHANNEL && m.text.startsWith("⏳"),
    )!;
    expect(progress.text).toBe(`⏳ Enable MFA: ${changes!.length} of ${changes!.length} done`);
    // Every edit went to one of those two messages.
    const edited = new Set(e2e.fake.callsTo("chat.update").map((c) => `${c.args.channel}:${c.args.ts}`));
    expect(edited).toEqual(new Set([`${CHANNEL}:${cardTs}`, `${CHANNEL}:${progress.ts}`]));
  },
};

runScenarios(
  "Slack",
  async (policy, sandbox) => slackDriver(await runs.start(policy, sandbox)),
  SLACK_CHECKS,
);

describe("Slack end to end: Slack's own", () => {
  it("hostile text gets a safe usage answer in the ack, and nothing is queued or sent", async () => {
    await runs.start();
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
