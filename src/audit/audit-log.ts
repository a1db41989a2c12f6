import type { Redis } from "ioredis";
import { z } from "zod";
import { canonicalAddress } from "../core/ids.js";
import type { Logger } from "../log.js";

/**
 * Every decision and change, appended to a Redis stream (the durable trail another
 * replica or an export can read) and logged as one JSON line. Small per-user and
 * per-operation indexes answer `audit <user|operation>` without scanning the stream.
 */
export const auditEntrySchema = z.object({
  at: z.string(),
  operationId: z.string(),
  actor: z.string(),
  /** enable, disable, reregister, approve, reject, expire, refuse, request, … */
  action: z.string(),
  target: z.string().optional(),
  before: z.string().optional(),
  after: z.string().optional(),
  approvalId: z.string().optional(),
  planHash: z.string().optional(),
  /** ok, failed, refused, pending, … */
  result: z.string(),
  detail: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const STREAM_MAX_LENGTH = 1_000_000;
const INDEX_LENGTH = 500;

export class AuditLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const tx = this.redis.multi();
    for (const entry of entries) {
      const json = JSON.stringify(entry);
      tx.xadd(`${this.prefix}:audit`, "MAXLEN", "~", String(STREAM_MAX_LENGTH), "*", "entry", json);
      for (const index of this.indexKeys(entry)) {
        tx.lpush(index, json);
        tx.ltrim(index, 0, INDEX_LENGTH - 1);
      }
      this.logger.info({ audit: entry }, "audit");
    }
    await tx.exec();
  }

  async forUser(upn: string, limit = 20): Promise<AuditEntry[]> {
    return this.read(`${this.prefix}:audit:user:${canonicalAddress(upn)}`, limit);
  }

  async forOperation(operationId: string, limit = 200): Promise<AuditEntry[]> {
    return this.read(`${this.prefix}:audit:op:${operationId}`, limit);
  }

  private async read(key: string, limit: number): Promise<AuditEntry[]> {
    const raw = await this.redis.lrange(key, 0, limit - 1);
    // Newest first in the index; answer oldest first, as a trail reads.
    return raw.map((json) => auditEntrySchema.parse(JSON.parse(json))).reverse();
  }

  private indexKeys(entry: AuditEntry): string[] {
    const keys = [`${this.prefix}:audit:op:${entry.operationId}`];
    // An address that did not pass the identity check is indexed as given, never under another's name.
    if (entry.target?.includes("@")) keys.push(`${this.prefix}:audit:user:${canonicalAddress(entry.target)}`);
    return keys;
  }
}
