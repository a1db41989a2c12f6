import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { OutgoingFile } from "./outgoing-file.js";

/**
 * How long a download link works. Long enough to click it from the message; short, because
 * the report names every user of the tenant.
 * @defaultValue 15 minutes
 */
export const DOWNLOAD_TTL_SECONDS = 15 * 60;
/** Bytes moved to or from Redis per command, so neither side holds a whole file. */
const CHUNK = 256 * 1024;

const metaSchema = z.object({
  filename: z.string(),
  mimeType: z.enum(["text/csv", "image/png"]),
  bytes: z.coerce.number().int().nonnegative(),
});
export type ShelvedFile = z.infer<typeof metaSchema>;

/**
 * Files the worker hands to people through `serve` (the Teams route for the report): stored
 * in Redis, which both processes reach, for DOWNLOAD_TTL_SECONDS. A link carries a random
 * 256-bit token; Redis keeps only its SHA-256, so reading Redis gives no working link.
 */
export class FileShelf {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Copies the file in, a chunk at a time; the token is what the link carries. */
  async put(file: OutgoingFile, ttlSeconds = DOWNLOAD_TTL_SECONDS): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    const key = this.key(token);
    await this.redis.del(key.data);
    for await (const chunk of createReadStream(file.path, { highWaterMark: CHUNK })) {
      await this.redis.append(key.data, chunk as Buffer);
    }
    const meta: ShelvedFile = { filename: file.filename, mimeType: file.mimeType, bytes: file.bytes };
    await this.redis
      .multi()
      .expire(key.data, ttlSeconds)
      .hset(key.meta, meta)
      .expire(key.meta, ttlSeconds)
      .exec();
    return token;
  }

  /** The file behind a token, and its bytes a chunk at a time; null when unknown or expired. */
  async open(token: string): Promise<{ meta: ShelvedFile; chunks: AsyncGenerator<Buffer> } | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const key = this.key(token);
    const parsed = metaSchema.safeParse(await this.redis.hgetall(key.meta));
    if (!parsed.success) return null;
    const redis = this.redis;
    const meta = parsed.data;
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let start = 0; start < meta.bytes; start += CHUNK) {
        const part = await redis.getrangeBuffer(key.data, start, Math.min(meta.bytes, start + CHUNK) - 1);
        if (part.length === 0) throw new Error("the file expired while it was being sent");
        yield part;
      }
    }
    return { meta, chunks: chunks() };
  }

  private key(token: string): { data: string; meta: string } {
    const id = createHash("sha256").update(token).digest("hex");
    return { data: `${this.prefix}:file:${id}`, meta: `${this.prefix}:file:${id}:meta` };
  }
}
