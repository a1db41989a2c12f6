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

  async add(name: string, line: string): Promise<void> {
    await this.redis
      .multi()
      .sadd(this.key(name), line)
      .expire(this.key(name), DIGEST_RETENTION_SECONDS)
      .exec();
  }

  /** Every line so far, removed in the same step so that none is sent twice. */
  async take(name: string): Promise<string[]> {
    const [[, lines] = []] = (await this.redis
      .multi()
      .smembers(this.key(name))
      .del(this.key(name))
      .exec()) as Array<[Error | null, unknown]>;
    return Array.isArray(lines) ? (lines as string[]).sort() : [];
  }
}
