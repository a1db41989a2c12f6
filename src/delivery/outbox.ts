import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { Logger } from "../log.js";
import { messageRefSchema, replyAddressSchema } from "../notify/address.js";
import type { Outcome } from "../notify/outcome.js";
import type * as port from "../notify/port.js";
import type { OutgoingFile } from "../report/outgoing-file.js";
import { backoffDelay } from "./backoff.js";
import { type Clock, realClock } from "./clock.js";

/**
 * Messages a chat platform could not take just now (5xx, timeouts, a 429 that does not end) wait
 * here, in Redis, and are delivered when the platform answers again — in order per conversation,
 * by whichever worker drains first; a worker that dies with messages waiting loses none of them.
 *
 * The wrapper tries the platform's notifier at once, as before; a failure the platform may get
 * over (anything but a DeliveryError or an answer the platform says is final) puts the message in
 * the outbox instead of failing the job. While a conversation has messages waiting, new ones for
 * it wait behind them, so a summary never overtakes the card it follows. A message posted from
 * the outbox gets its real id later: the caller gets a pending reference, and an edit of it waits
 * until the post has gone out (or replaces the post's content while it still waits).
 */
export interface OutboxOptions {
  redis: Redis;
  /** The bot's state prefix; keys live under `<prefix>:outbox:`. */
  prefix: string;
  logger: Logger;
  /**
   * How long a message keeps being retried before it is given up, logged with its content id
   * and counted (`mfa_bot_outbox_undeliverable_total`).
   * @defaultValue 24 hours
   */
  retryBudgetMs?: number;
  /** @defaultValue 1_000 */
  firstRetryMs?: number;
  /** @defaultValue 60_000 */
  maxRetryMs?: number;
  clock?: Clock & { random?: () => number };
}

/** Whether a failed send may succeed later (the platform away) or never will (bad address, bad message). */
export type RetryableCheck = (err: unknown) => boolean;

const entrySchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("reply"), to: replyAddressSchema }),
  z.object({ op: z.literal("post"), to: replyAddressSchema }),
  z.object({ op: z.literal("update"), ref: messageRefSchema }),
  z.object({
    op: z.literal("dm"),
    to: replyAddressSchema,
    user: z.object({
      upn: z.string(),
      objectId: z.string().optional(),
      mail: z.string().optional(),
      chatUserId: z.string().optional(),
    }),
  }),
]);

const queuedSchema = z.intersection(
  entrySchema,
  z.object({
    id: z.string(),
    platform: z.string(),
    outcome: z.unknown(),
    firstAt: z.number(),
    attempts: z.number().int(),
    nextAt: z.number(),
  }),
);
type Queued = z.infer<typeof queuedSchema>;
type Entry = z.infer<typeof entrySchema>;

const PENDING = "outbox:";

/** The id a queued post's pending reference carries instead of the platform's message id. */
function pendingIdOf(ref: port.MessageRef): string | undefined {
  return ref.messageId.startsWith(PENDING) ? ref.messageId.slice(PENDING.length) : undefined;
}

export class Outbox {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly budgetMs: number;
  private readonly firstRetryMs: number;
  private readonly maxRetryMs: number;

  constructor(private readonly options: OutboxOptions) {
    this.clock = options.clock ?? realClock;
    this.random = options.clock?.random ?? Math.random;
    this.budgetMs = options.retryBudgetMs ?? 24 * 3600_000;
    this.firstRetryMs = options.firstRetryMs ?? 1_000;
    this.maxRetryMs = options.maxRetryMs ?? 60_000;
  }

  private key(...parts: string[]): string {
    return [this.options.prefix, "outbox", ...parts].join(":");
  }

  private conversationKey(platform: string, conversation: string): string {
    return `${platform}|${conversation}`;
  }

  /** Messages waiting, across every conversation. */
  async pending(): Promise<number> {
    const conversations = await this.options.redis.smembers(this.key("conversations"));
    let total = 0;
    for (const c of conversations) total += await this.options.redis.llen(this.key("queue", c));
    return total;
  }

  /** Messages given up on since Redis was created. */
  async undeliverable(): Promise<number> {
    return Number((await this.options.redis.get(this.key("undeliverable"))) ?? 0);
  }

  async hasWaiting(platform: string, conversation: string): Promise<boolean> {
    return (
      (await this.options.redis.llen(this.key("queue", this.conversationKey(platform, conversation)))) > 0
    );
  }

  /** Queues a message behind the others of its conversation; returns its id. */
  async add(platform: string, conversation: string, entry: Entry, outcome: Outcome): Promise<string> {
    const id = randomUUID();
    const now = this.clock.now();
    const queued = { ...entry, id, platform, outcome, firstAt: now, attempts: 0, nextAt: now };
    const conv = this.conversationKey(platform, conversation);
    await this.options.redis
      .multi()
      .rpush(this.key("queue", conv), JSON.stringify(queued))
      .sadd(this.key("conversations"), conv)
      .exec();
    this.options.logger.warn(
      { contentId: id, op: entry.op, kind: outcome.kind, conversation },
      "chat platform unavailable: message kept in the outbox",
    );
    return id;
  }

  /** The platform's reference for a post that has gone out of the outbox, if it has. */
  async delivered(pendingId: string): Promise<port.MessageRef | undefined> {
    const raw = await this.options.redis.hget(this.key("refs"), pendingId);
    if (!raw) return undefined;
    return messageRefSchema.parse(JSON.parse(raw));
  }

  /**
   * Delivers what is due, conversation by conversation, oldest first; a conversation stops at its
   * first message the platform still refuses. One worker at a time per conversation (a lock).
   */
  async drain(
    notifiers: port.NotifierRegistry,
    retryable: (platform: string) => RetryableCheck,
  ): Promise<void> {
    const { redis } = this.options;
    for (const conv of await redis.smembers(this.key("conversations"))) {
      const lock = this.key("lock", conv);
      const token = randomUUID();
      if ((await redis.set(lock, token, "PX", 60_000, "NX")) !== "OK") continue;
      try {
        await this.drainConversation(conv, notifiers, retryable);
      } finally {
        if ((await redis.get(lock)) === token) await redis.del(lock);
      }
    }
  }

  private async drainConversation(
    conv: string,
    notifiers: port.NotifierRegistry,
    retryable: (platform: string) => RetryableCheck,
  ): Promise<void> {
    const { redis, logger } = this.options;
    const queue = this.key("queue", conv);
    for (;;) {
      const raw = await redis.lindex(queue, 0);
      if (raw === null) {
        // Removed only if still empty: a message added meanwhile keeps its conversation listed.
        if ((await redis.llen(queue)) === 0) await redis.srem(this.key("conversations"), conv);
        return;
      }
      const parsed = queuedSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) {
        logger.error({ conversation: conv }, "outbox: a message that cannot be read was dropped");
        await this.giveUp(queue, raw);
        continue;
      }
      const entry = parsed.data;
      const now = this.clock.now();
      if (entry.nextAt > now) return;
      const notifier = notifiers[entry.platform as port.Platform];
      try {
        if (!notifier) throw new Error(`no notifier for ${entry.platform} in this worker`);
        const ref = await this.send(notifier, entry);
        const done = redis.multi().lrem(queue, 1, raw);
        // A post's real reference, for the edits that wait behind it and those still to come.
        if (ref)
          done.hset(this.key("refs"), entry.id, JSON.stringify(ref)).expire(this.key("refs"), 7 * 24 * 3600);
        await done.exec();
        logger.info({ contentId: entry.id, op: entry.op, attempts: entry.attempts + 1 }, "outbox: delivered");
      } catch (err) {
        const again = notifier !== undefined && retryable(entry.platform)(err);
        const outOfBudget = now - entry.firstAt >= this.budgetMs;
        if (again && !outOfBudget) {
          const wait = backoffDelay(entry.attempts, this.firstRetryMs, this.maxRetryMs, this.random);
          await redis.lset(
            queue,
            0,
            JSON.stringify({ ...entry, attempts: entry.attempts + 1, nextAt: now + wait }),
          );
          return;
        }
        logger.error(
          {
            contentId: entry.id,
            op: entry.op,
            kind: (entry.outcome as { kind?: string }).kind,
            operationId: (entry.outcome as { operationId?: string }).operationId,
            attempts: entry.attempts + 1,
            err: err instanceof Error ? err.message : String(err),
          },
          "outbox: message could not be delivered; given up",
        );
        await this.giveUp(queue, raw);
      }
    }
  }

  private async giveUp(queue: string, raw: string): Promise<void> {
    await this.options.redis.multi().lrem(queue, 1, raw).incr(this.key("undeliverable")).exec();
  }

  private async send(notifier: port.Notifier, entry: Queued): Promise<port.MessageRef | undefined> {
    const outcome = entry.outcome as Outcome;
    switch (entry.op) {
      case "reply":
        await notifier.reply(entry.to, outcome);
        return undefined;
      case "post":
        return notifier.post(entry.to, outcome);
      case "update": {
        const pendingId = pendingIdOf(entry.ref);
        const ref = pendingId ? await this.delivered(pendingId) : entry.ref;
        // The post it edits has not gone out (or was given up): this edit cannot go either.
        if (!ref?.messageId) throw new Error("the message to edit was never delivered");
        await notifier.update(ref, outcome);
        return undefined;
      }
      case "dm": {
        const result = await notifier.directMessage(entry.user, outcome, entry.to);
        if (!result.delivered) {
          this.options.logger.warn(
            { contentId: entry.id, reason: result.reason },
            "outbox: direct message not delivered",
          );
        }
        return undefined;
      }
    }
  }
}

/**
 * A platform's notifier behind the outbox: the same port, but a platform that is away delays a
 * message instead of failing the job that sends it.
 */
export class OutboxNotifier implements port.Notifier {
  constructor(
    private readonly inner: port.Notifier,
    private readonly outbox: Outbox,
    private readonly platform: port.Platform,
    private readonly retryable: RetryableCheck,
  ) {}

  /** Tries now unless the conversation already has messages waiting; queues on a passing failure. */
  private async sendOrQueue<T>(
    conversation: string,
    entry: Entry,
    outcome: Outcome,
    send: () => Promise<T>,
    queued: (id: string) => T,
  ): Promise<T> {
    if (!(await this.outbox.hasWaiting(this.platform, conversation))) {
      try {
        return await send();
      } catch (err) {
        if (!this.retryable(err)) throw err;
      }
    }
    return queued(await this.outbox.add(this.platform, conversation, entry, outcome));
  }

  reply(to: port.ReplyAddress, outcome: Outcome): Promise<void> {
    return this.sendOrQueue(
      to.conversation,
      { op: "reply", to },
      outcome,
      () => this.inner.reply(to, outcome),
      () => undefined,
    );
  }

  post(to: port.ReplyAddress, outcome: Outcome): Promise<port.MessageRef> {
    return this.sendOrQueue(
      to.conversation,
      { op: "post", to },
      outcome,
      () => this.inner.post(to, outcome),
      (id) => ({
        platform: this.platform,
        conversation: to.conversation,
        messageId: `${PENDING}${id}`,
        extra: {},
      }),
    );
  }

  /**
   * Straight through, never queued: the files are the caller's temporary files, gone once this
   * resolves, so they cannot wait in Redis. A platform that is away fails the job instead, and
   * the job is retried (and its failure reported) like any other.
   */
  share(to: port.ReplyAddress, outcome: Outcome, files: readonly OutgoingFile[]): Promise<void> {
    return this.inner.share(to, outcome, files);
  }

  async update(ref: port.MessageRef, outcome: Outcome): Promise<void> {
    const pendingId = pendingIdOf(ref);
    const real = pendingId ? await this.outbox.delivered(pendingId) : ref;
    if (real?.messageId) {
      return this.sendOrQueue(
        ref.conversation,
        { op: "update", ref: real },
        outcome,
        () => this.inner.update(real, outcome),
        () => undefined,
      );
    }
    // The post is still in the outbox: the edit waits behind it.
    await this.outbox.add(this.platform, ref.conversation, { op: "update", ref }, outcome);
  }

  directMessage(
    user: port.DirectMessageTarget,
    outcome: Outcome,
    context: port.ReplyAddress,
  ): Promise<port.DirectMessageResult> {
    return this.sendOrQueue(
      `dm:${user.upn}`,
      { op: "dm", to: context, user },
      outcome,
      () => this.inner.directMessage(user, outcome, context),
      (): port.DirectMessageResult => ({ delivered: true }),
    );
  }
}
