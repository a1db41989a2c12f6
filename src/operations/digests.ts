import type { Redis } from "ioredis";

const DIGEST_RETENTION_SECONDS = 7 * 24 * 3600;

/** Lines waiting to go out together in one digest message (see the `digest` job). */
export class DigestStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(name: string): string {
    return `${this.prefix}:digest:${name}`;
  }

  /**
   * The current collection window of a topic: opened by the first line, shared by every
   * line that comes within `windowMs`, so that a burst (a bulk's reminders) is one digest.
   */
  async window(topic: string, windowMs: number, now: number): Promise<string> {
    const key = this.key(`${topic}:window`);
    for (let i = 0; i < 3; i++) {
      if ((await this.redis.set(key, String(now), "PX", windowMs, "NX")) === "OK") return `${topic}:${now}`;
      const open = await this.redis.get(key);
      if (open) return `${topic}:${open}`;
    }
    return `${topic}:${now}`;
  }

  async add(name: string, line: string): Promise<void> {
    await this.redis
      .multi()
      .sadd(this.key(name), line)
      .expire(this.key(name), DIGEST_RETENTION_SECONDS)
      .exec();
  }

  /**
   * The lines to send, moved aside first: if sending fails, a retry finds the same lines
   * (under `:sending`) instead of an empty set. `sent()` removes them once delivered.
   */
  async take(name: string): Promise<string[]> {
    const sending = this.key(`${name}:sending`);
    if (!(await this.redis.exists(sending))) {
      try {
        await this.redis.rename(this.key(name), sending);
      } catch {
        return []; // nothing collected (the set does not exist)
      }
    }
    return (await this.redis.smembers(sending)).sort();
  }

  async sent(name: string): Promise<void> {
    await this.redis.del(this.key(`${name}:sending`));
  }
}
