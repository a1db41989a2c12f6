import { randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { Outbox, OutboxNotifier } from "../../src/delivery/outbox.js";
import { silentLogger } from "../../src/log.js";
import type { Outcome } from "../../src/notify/outcome.js";
import { DeliveryError, type MessageRef, type Notifier, type ReplyAddress } from "../../src/notify/port.js";
import { connectRedis } from "../../src/queue/queues.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = connectRedis(REDIS_URL, { blocking: false });
const TO: ReplyAddress = { platform: "slack", conversation: "C1", user: "U1", extra: {} };
const text = (t: string): Outcome => ({ kind: "text", tone: "info", text: t });

class PlatformAway extends Error {}

/** A platform that is away until `up`, and records what it was sent, in order. */
class FakePlatform implements Notifier {
  up = false;
  sent: string[] = [];
  private posts = 0;
  private check() {
    if (!this.up) throw new PlatformAway("HTTP 503");
  }
  async reply(_to: ReplyAddress, outcome: Outcome) {
    this.check();
    this.sent.push(`reply:${(outcome as { text: string }).text}`);
  }
  async post(to: ReplyAddress, outcome: Outcome): Promise<MessageRef> {
    this.check();
    const id = `ts${++this.posts}`;
    this.sent.push(`post:${id}:${(outcome as { text: string }).text}`);
    return { platform: "slack", conversation: to.conversation, messageId: id, extra: {} };
  }
  async update(ref: MessageRef, outcome: Outcome) {
    this.check();
    this.sent.push(`update:${ref.messageId}:${(outcome as { text: string }).text}`);
  }
  async directMessage() {
    this.check();
    return { delivered: true as const };
  }
  async share(_to: ReplyAddress, outcome: Outcome) {
    this.check();
    this.sent.push(`share:${(outcome as { text: string }).text}`);
  }
}

describe("the chat outbox", () => {
  let prefix = "";
  let now = 0;
  let platform: FakePlatform;
  let outbox: Outbox;
  let notifier: OutboxNotifier;
  const retryable = (err: unknown) => err instanceof PlatformAway;

  beforeEach(() => {
    prefix = `test-${randomUUID().slice(0, 8)}:state`;
    now = 1_000_000;
    platform = new FakePlatform();
    outbox = new Outbox({
      redis,
      prefix,
      logger: silentLogger,
      retryBudgetMs: 60_000,
      clock: { now: () => now, sleep: async () => {}, random: () => 0.5 },
    });
    notifier = new OutboxNotifier(platform, outbox, "slack", retryable);
  });

  afterAll(async () => {
    const keys = await redis.keys("test-*:state:outbox:*");
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("keeps what the platform cannot take, and delivers it in order once it answers, edits on the real message", async () => {
    const card = await notifier.post(TO, text("card"));
    expect(card.messageId).toMatch(/^outbox:/);
    await notifier.update(card, text("card, decided"));
    platform.up = true;
    // The platform is back, but this conversation has messages waiting: the summary waits behind them.
    await notifier.post(TO, text("summary"));
    expect(platform.sent).toEqual([]);
    expect(await outbox.pending()).toBe(3);

    await outbox.drain({ slack: platform }, () => retryable);
    expect(platform.sent).toEqual(["post:ts1:card", "update:ts1:card, decided", "post:ts2:summary"]);
    expect(await outbox.pending()).toBe(0);
    // Later edits of the card, made with the pending reference, reach the real message at once.
    await notifier.update(card, text("card, applied"));
    expect(platform.sent.at(-1)).toBe("update:ts1:card, applied");
  });

  it("a platform still away is tried again later with backoff, nothing lost meanwhile", async () => {
    await notifier.reply(TO, text("answer"));
    await outbox.drain({ slack: platform }, () => retryable);
    expect(await outbox.pending()).toBe(1);
    platform.up = true;
    // Not due yet: the backoff holds it.
    await outbox.drain({ slack: platform }, () => retryable);
    expect(platform.sent).toEqual([]);
    now += 5_000;
    await outbox.drain({ slack: platform }, () => retryable);
    expect(platform.sent).toEqual(["reply:answer"]);
  });

  it("a failure retrying cannot help is the caller's at once, not the outbox's", async () => {
    const refusing = new FakePlatform();
    refusing.reply = async () => {
      throw new DeliveryError("invite me to the channel");
    };
    const strict = new OutboxNotifier(refusing, outbox, "slack", retryable);
    await expect(strict.reply(TO, text("x"))).rejects.toThrow(/invite me/);
    expect(await outbox.pending()).toBe(0);
  });

  it("files are shared straight through: a platform that is away fails the job, nothing waits on files that will be gone", async () => {
    await expect(notifier.share(TO, text("report"), [])).rejects.toThrow(PlatformAway);
    expect(await outbox.pending()).toBe(0);
    platform.up = true;
    await notifier.share(TO, text("report"), []);
    expect(platform.sent).toEqual(["share:report"]);
  });

  it("a message still refused after its retry budget is given up, logged and counted", async () => {
    await notifier.post(TO, text("card"));
    now += 61_000;
    await outbox.drain({ slack: platform }, () => retryable);
    expect(await outbox.pending()).toBe(0);
    expect(await outbox.undeliverable()).toBe(1);
  });
});
