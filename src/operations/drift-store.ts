import type { Redis } from "ioredis";
import { z } from "zod";

/**
 * The last per-user MFA state the bot set for each user it changed (read back from Graph), and
 * where the drift sweep got to. In Redis: every worker shares it and a restart loses nothing.
 * One hash field per user, so a tenant of 50,000 changed users is one key the sweep walks a
 * slice at a time (HSCAN) instead of re-reading everyone each time.
 */
const expectedSchema = z.object({
  upn: z.string(),
  state: z.string(),
  operationId: z.string(),
  at: z.string(),
  /** The differing state already posted as an alert: posted once, not every sweep. */
  reported: z.string().optional(),
});
export type ExpectedState = z.infer<typeof expectedSchema>;

const sweepSchema = z.object({ cursor: z.string(), since: z.string().optional() });
export type SweepPosition = z.infer<typeof sweepSchema>;

export class DriftStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get expectedKey(): string {
    return `${this.prefix}:drift:expected`;
  }

  private get sweepKey(): string {
    return `${this.prefix}:drift:sweep`;
  }

  /** The states the bot just set (a new change clears any earlier alert for that user). */
  async record(entries: ReadonlyArray<{ userId: string } & Omit<ExpectedState, "reported">>): Promise<void> {
    if (entries.length === 0) return;
    const fields: Record<string, string> = {};
    for (const { userId, ...expected } of entries) fields[userId.toLowerCase()] = JSON.stringify(expected);
    await this.redis.hset(this.expectedKey, fields);
  }

  async get(userIds: readonly string[]): Promise<Map<string, ExpectedState>> {
    if (userIds.length === 0) return new Map();
    const ids = userIds.map((id) => id.toLowerCase());
    const values = await this.redis.hmget(this.expectedKey, ...ids);
    const found = new Map<string, ExpectedState>();
    ids.forEach((id, i) => {
      const raw = values[i];
      if (raw) found.set(id, expectedSchema.parse(JSON.parse(raw)));
    });
    return found;
  }

  /** The next slice of users the bot changed, from `cursor` ("0" starts over; "0" back means a full pass). */
  async slice(cursor: string, count: number): Promise<{ cursor: string; users: Map<string, ExpectedState> }> {
    const [next, flat] = await this.redis.hscan(this.expectedKey, cursor, "COUNT", count);
    const users = new Map<string, ExpectedState>();
    for (let i = 0; i < flat.length; i += 2)
      users.set(flat[i]!, expectedSchema.parse(JSON.parse(flat[i + 1]!)));
    return { cursor: next, users };
  }

  async size(): Promise<number> {
    return this.redis.hlen(this.expectedKey);
  }

  /** Notes which differing state was alerted (or, undefined, that the user is back as set). */
  async setReported(userId: string, expected: ExpectedState, reported: string | undefined): Promise<void> {
    const { reported: _earlier, ...rest } = expected;
    const next: ExpectedState = reported === undefined ? rest : { ...rest, reported };
    await this.redis.hset(this.expectedKey, userId.toLowerCase(), JSON.stringify(next));
  }

  /**
   * Claims the alert for this user's differing state before it is posted: two sweeps running at
   * once (a job taken over from a worker that only looked dead) must not post it twice. Held
   * for ten minutes; released when the post did not go anywhere, so the next sweep tries again.
   */
  async claimAlert(userId: string, now: string): Promise<boolean> {
    const key = `${this.prefix}:drift:alerting:${userId.toLowerCase()}:${now}`;
    return (await this.redis.set(key, "1", "PX", 10 * 60_000, "NX")) === "OK";
  }

  async releaseAlert(userId: string, now: string): Promise<void> {
    await this.redis.del(`${this.prefix}:drift:alerting:${userId.toLowerCase()}:${now}`);
  }

  async position(): Promise<SweepPosition> {
    const raw = await this.redis.get(this.sweepKey);
    return raw ? sweepSchema.parse(JSON.parse(raw)) : { cursor: "0" };
  }

  async setPosition(position: SweepPosition): Promise<void> {
    await this.redis.set(this.sweepKey, JSON.stringify(position));
  }
}
