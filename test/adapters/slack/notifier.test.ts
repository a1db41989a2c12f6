import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SlackDeliveryError, SlackNotifier } from "../../../adapters/slack/notifier.js";
import type { Clock } from "../../../adapters/slack/rate-limit.js";
import { silentLogger } from "../../../src/log.js";
import type { Outcome } from "../../../src/notify/outcome.js";
import type { ReplyAddress } from "../../../src/notify/port.js";
import { FakeSlack } from "../../helpers/fake-slack.js";
import { localNetworkOnly } from "../../helpers/local-network.js";
import { bulkApprovalView } from "../../notify/outcome-fixtures.js";

let fake: FakeSlack;
let sleeps: number[];

/** Sleeps are recorded, not waited: pacing and Retry-After are asserted by what was asked for. */
const instantClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms) => {
    sleeps.push(ms);
  },
};

function notifier(overrides: Partial<ConstructorParameters<typeof SlackNotifier>[0]> = {}): SlackNotifier {
  return new SlackNotifier({
    botToken: fake.botToken,
    apiUrl: fake.apiUrl,
    logger: silentLogger,
    retryConfig: { retries: 3, minTimeout: 0, maxTimeout: 1 },
    postIntervalMs: 0,
    updateIntervalMs: 0,
    clock: instantClock,
    ...overrides,
  });
}

const info = (text: string): Outcome => ({ kind: "text", tone: "info", text });
const progress = (done: number): Outcome => ({
  kind: "progress",
  operationId: "k3m9p2xq",
  action: "enable",
  done,
  total: 10,
  failed: 0,
});

function address(extra: Record<string, string> = {}): ReplyAddress {
  return { platform: "slack", conversation: "C0HELPDESK", user: "U0HELPDESK", extra };
}

localNetworkOnly();

beforeAll(async () => {
  fake = await FakeSlack.start();
  fake
    .addUser({ id: "U0HELPDESK", name: "helpdesk", email: "helpdesk@contoso.com" })
    .addUser({ id: "U0ALICE", name: "alice", email: "alice@contoso.com" })
    .addUser({ id: "U0GONE", name: "gone", email: "gone@contoso.com", deleted: true });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  sleeps = [];
  fake.calls.length = 0;
  fake.responses.length = 0;
  fake.ephemerals.length = 0;
  fake.channelsWithoutBot.clear();
});

describe("SlackNotifier.reply", () => {
  it("answers ephemerally through response_url", async () => {
    const responseUrl = fake.responseUrl();
    await notifier().reply(address({ responseUrl }), info("all <!channel> good"));
    const [post] = fake.responsesTo(responseUrl);
    expect(post?.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(post?.body.text).toContain("all &lt;!channel&gt; good");
    expect(post?.body.blocks).toBeInstanceOf(Array);
    expect(fake.calls).toHaveLength(0);
  });

  it("waits out a 429 from response_url (Retry-After) and delivers", async () => {
    const responseUrl = fake.responseUrl();
    fake.failResponseUrl(responseUrl, 429, { retryAfter: 3 });
    await notifier().reply(address({ responseUrl }), info("later"));
    expect(sleeps).toContain(3000);
    expect(fake.responsesTo(responseUrl)).toHaveLength(1);
  });

  it("falls back to chat.postEphemeral when the response_url has expired", async () => {
    const responseUrl = fake.responseUrl();
    fake.failResponseUrl(responseUrl, 404, { body: "expired_url" });
    await notifier().reply(address({ responseUrl }), info("late answer"));
    expect(fake.ephemerals).toEqual([
      expect.objectContaining({
        channel: "C0HELPDESK",
        user: "U0HELPDESK",
        text: expect.stringContaining("late answer"),
      }),
    ]);
  });

  it("never posts to a response_url that is not Slack's", async () => {
    await notifier().reply(address({ responseUrl: "https://evil.example/hook" }), info("x"));
    expect(fake.ephemerals).toHaveLength(1);
  });

  it("uses chat.postEphemeral without a response_url, and a DM when the app is not in the channel", async () => {
    await notifier().reply(address(), info("first"));
    expect(fake.ephemerals).toHaveLength(1);
    fake.channelsWithoutBot.add("C0HELPDESK");
    await notifier().reply(address(), info("second"));
    const dm = [...fake.messages.values()].find((m) => m.channel === "D0HELPDESK");
    expect(dm?.text).toContain("second");
  });
});

describe("SlackNotifier.post / update", () => {
  it("posts a channel message and returns a reference to edit it", async () => {
    const n = notifier();
    const ref = await n.post(address(), progress(1));
    expect(ref).toEqual({
      platform: "slack",
      conversation: "C0HELPDESK",
      messageId: expect.any(String),
      extra: {},
    });
    await n.update(ref, progress(2));
    const message = fake.message(ref.conversation, ref.messageId);
    expect(message?.text).toContain("2 of 10");
    expect(message?.edits).toHaveLength(1);
  });

  it("posts everyone a bulk approval card leaves out in the card's thread", async () => {
    const names = Array.from({ length: 400 }, (_, i) => `user${String(i).padStart(4, "0")}@contoso.com`);
    const approval = bulkApprovalView(names, ["<@U0FORGED>"]);
    const ref = await notifier().post(address(), { kind: "approval", approval });
    const thread = fake.callsTo("chat.postMessage").filter((c) => c.args.thread_ts === ref.messageId);
    const text = thread.map((c) => String(c.args.text)).join("\n");
    for (const upn of names) expect(text).toContain(upn);
    expect(thread.length).toBeGreaterThan(1); // chunked under Slack's size limits
    expect(text).toContain("&lt;@U0FORGED&gt;");
    expect(text).not.toContain("<@U0FORGED>");
  });

  it("says how to fix it when the app is not in the channel", async () => {
    fake.channelsWithoutBot.add("C0HELPDESK");
    await expect(notifier().post(address(), info("card"))).rejects.toThrow(SlackDeliveryError);
    await expect(notifier().post(address(), info("card"))).rejects.toThrow(/\/invite/);
  });

  it("waits out a 429 on chat.postMessage and delivers the message", async () => {
    fake.rateLimit("chat.postMessage", 1);
    const ref = await notifier().post(address(), info("after the limit"));
    expect(fake.callsTo("chat.postMessage")).toHaveLength(2);
    expect(fake.message(ref.conversation, ref.messageId)?.text).toContain("after the limit");
  });

  it("coalesces rapid edits of one message: only the newest pending edit is sent", async () => {
    const n = notifier();
    const ref = await n.post(address(), progress(0));
    fake.calls.length = 0;
    await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((done) => n.update(ref, progress(done))));
    const updates = fake.callsTo("chat.update");
    expect(updates.length).toBeLessThanOrEqual(2);
    expect(String(updates.at(-1)?.args.text)).toContain("8 of 10");
    expect(fake.message(ref.conversation, ref.messageId)?.text).toContain("8 of 10");
  });

  it("paces chat.postMessage per channel", async () => {
    const n = notifier({ postIntervalMs: 1000 });
    await Promise.all([
      n.post(address(), info("a")),
      n.post(address(), info("b")),
      n.post(address(), info("c")),
    ]);
    expect(sleeps.filter((ms) => ms > 900)).toHaveLength(2);
  });
});

describe("SlackNotifier.directMessage", () => {
  const reminder: Outcome = {
    kind: "registerReminder",
    upn: "alice@contoso.com",
    setupUrl: "https://aka.ms/mfasetup",
    attempt: 0,
  };

  it("finds the user by email, opens a DM and posts", async () => {
    const result = await notifier().directMessage({ upn: "Alice@Contoso.com" }, reminder, address());
    expect(result).toEqual({ delivered: true });
    expect(fake.callsTo("users.lookupByEmail")[0]?.args.email).toBe("alice@contoso.com");
    expect(fake.callsTo("conversations.open")[0]?.args.users).toBe("U0ALICE");
    const dm = [...fake.messages.values()].find((m) => m.channel === "D0ALICE");
    expect(JSON.stringify(dm?.blocks)).toContain("<https://aka.ms/mfasetup|aka.ms/mfasetup>");
  });

  it("tries the mail address when the UPN is not a Slack email", async () => {
    const result = await notifier().directMessage(
      { upn: "alice_adams@contoso.onmicrosoft.com", mail: "alice@contoso.com" },
      reminder,
      address(),
    );
    expect(result).toEqual({ delivered: true });
    expect(fake.callsTo("users.lookupByEmail").map((c) => c.args.email)).toEqual([
      "alice_adams@contoso.onmicrosoft.com",
      "alice@contoso.com",
    ]);
  });

  it("reports a user who is not in the workspace instead of failing", async () => {
    const result = await notifier().directMessage({ upn: "nobody@contoso.com" }, reminder, address());
    expect(result).toEqual({ delivered: false, reason: expect.stringContaining("no Slack account") });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("does not message a deactivated account", async () => {
    const result = await notifier().directMessage({ upn: "gone@contoso.com" }, reminder, address());
    expect(result.delivered).toBe(false);
  });
});
