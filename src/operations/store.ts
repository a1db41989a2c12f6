import type { ChainableCommander, Redis } from "ioredis";
import { z } from "zod";
import { auditEntrySchema } from "../audit/audit-log.js";
import { canonicalAddress } from "../core/ids.js";
import { type PauseReason, pauseReasonSchema } from "../core/stages.js";
import { operationStatusSchema } from "../core/statuses.js";
import type { Decision } from "../core/verbs.js";
import { type ChangeResultLine, changeResultLineSchema } from "../notify/outcome.js";
import type { MessageRef } from "../notify/port.js";
import {
  approvalSchema,
  messageRefSchema,
  type Operation,
  type OperationState,
  type OperationStatus,
  operationSchema,
} from "./operation.js";

/** How long an operation stays readable (audit keeps its own, longer trail). */
const OPERATION_RETENTION_SECONDS = 90 * 24 * 3600;

/** Why a decision did not stand, besides "decided" (someone already did). */
const refusalSchema = z.enum(["missing", "self", "expired"]);

export type DecisionResult =
  | { ok: true }
  /** An approval counted, short of the quorum: the request stays pending. */
  | { ok: true; partial: { approvals: number; quorum: number } }
  /** This approver already approved it: refused, nothing changed. */
  | { ok: false; why: "again"; approvals: number; quorum: number }
  | { ok: false; why: z.infer<typeof refusalSchema> }
  | { ok: false; why: "decided"; status: OperationStatus; decidedBy?: string; decidedAt?: string };

/*
 * pending → approved/rejected/expired happens in one Lua script: two clicks, two approvers
 * at once or a Slack retry cannot both win, an expired request can never be approved, and
 * nobody approves their own request (withdrawing it with a reject is allowed). With a quorum
 * of n, each approval is appended to the `approvals` list (JSON) until n distinct approvers
 * have approved; the same approver twice is refused and changes nothing; one reject ends it.
 * KEYS[1] operation hash; ARGV: decider upn, new status, now (ms), now (ISO).
 */
const DECIDE_SCRIPT = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
if status ~= 'pending' then
  return {'decided', status, redis.call('HGET', KEYS[1], 'decidedBy') or '', redis.call('HGET', KEYS[1], 'decidedAt') or ''}
end
if tonumber(ARGV[3]) >= tonumber(redis.call('HGET', KEYS[1], 'expiresAtMs')) then
  redis.call('HSET', KEYS[1], 'status', 'expired')
  return {'expired'}
end
if ARGV[2] == 'approved' and redis.call('HGET', KEYS[1], 'requester') == ARGV[1] then return {'self'} end
if ARGV[2] == 'approved' then
  local quorum = tonumber(redis.call('HGET', KEYS[1], 'quorum') or '1')
  local approvals = cjson.decode(redis.call('HGET', KEYS[1], 'approvals') or '[]')
  for _, a in ipairs(approvals) do
    if a.by == ARGV[1] then return {'again', tostring(#approvals), tostring(quorum)} end
  end
  table.insert(approvals, {by = ARGV[1], at = ARGV[4]})
  redis.call('HSET', KEYS[1], 'approvals', cjson.encode(approvals))
  if #approvals < quorum then return {'partial', tostring(#approvals), tostring(quorum)} end
end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'decidedBy', ARGV[1], 'decidedAt', ARGV[4])
return {'ok'}
`;

/* Compare-and-set of the status. KEYS[1] operation hash; ARGV: expected, next. */
const TRANSITION_SCRIPT = `
if redis.call('HGET', KEYS[1], 'status') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'status', ARGV[2])
  return 1
end
return 0
`;

/*
 * applying → paused, with why and until when (a staged bulk's canary, or too many failures).
 * KEYS[1] operation hash; ARGV: reason, paused at (ISO), expires at (ms), expires at (ISO).
 */
const PAUSE_SCRIPT = `
if redis.call('HGET', KEYS[1], 'status') ~= 'applying' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'paused', 'pauseReason', ARGV[1], 'pausedAt', ARGV[2],
  'pauseExpiresAtMs', ARGV[3], 'pauseExpiresAt', ARGV[4])
redis.call('HDEL', KEYS[1], 'pauseRef')
return 1
`;

/*
 * paused → applying on Continue (the canary counts as passed), unless the pause has expired;
 * the requester cannot continue their own bulk. KEYS[1] operation hash; ARGV: upn, now (ms).
 */
const RESUME_SCRIPT = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
if status ~= 'paused' then return {'state', status} end
if redis.call('HGET', KEYS[1], 'requester') == ARGV[1] then return {'self'} end
if tonumber(ARGV[2]) >= tonumber(redis.call('HGET', KEYS[1], 'pauseExpiresAtMs')) then return {'expired'} end
redis.call('HSET', KEYS[1], 'status', 'applying', 'canaryPassed', '1')
return {'ok'}
`;

export type ResumeResult =
  | { ok: true }
  | { ok: false; why: "missing" | "self" | "expired" }
  | { ok: false; why: "state"; status: OperationStatus };

/** A user's last change through the bot: the audit facts of it, with the states it moved between. */
const lastChangeSchema = auditEntrySchema
  .pick({ operationId: true, at: true, actor: true, action: true })
  .extend({ from: z.string().optional(), to: z.string().optional() });
export type LastChange = z.infer<typeof lastChangeSchema>;

/** Writes per transaction where many independent keys are written (see `inChunks`). */
const CHUNK = 1_000;

/** The hash fields that make an operation's state (see `stateOf`). */
const STATE_FIELDS = [
  "status",
  "approvals",
  "decidedBy",
  "decidedAt",
  "cardRef",
  "progressRef",
  "canaryPassed",
  "pauseReason",
  "pausedAt",
  "pauseExpiresAt",
  "pauseRef",
] as const;

/** An operation's state from its hash fields. */
function stateOf(fields: Record<string, string>): OperationState {
  // Between `create`'s two writes the status is not there yet: that is a pending creation.
  const state: OperationState = {
    status: operationStatusSchema.parse(fields.status ?? "pending"),
    approvals: fields.approvals ? z.array(approvalSchema).parse(JSON.parse(fields.approvals)) : [],
  };
  if (fields.decidedBy) state.decidedBy = fields.decidedBy;
  if (fields.decidedAt) state.decidedAt = fields.decidedAt;
  if (fields.cardRef) state.cardRef = messageRefSchema.parse(JSON.parse(fields.cardRef));
  if (fields.progressRef) state.progressRef = messageRefSchema.parse(JSON.parse(fields.progressRef));
  if (fields.canaryPassed) state.canaryPassed = true;
  if (fields.pauseReason && fields.pausedAt && fields.pauseExpiresAt) {
    state.pause = {
      reason: pauseReasonSchema.parse(fields.pauseReason),
      at: fields.pausedAt,
      expiresAt: fields.pauseExpiresAt,
    };
  }
  if (fields.pauseRef) state.pauseRef = messageRefSchema.parse(JSON.parse(fields.pauseRef));
  return state;
}

export class OperationStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string, suffix = ""): string {
    return `${this.prefix}:op:${id}${suffix}`;
  }

  /**
   * Stores a new operation; false (and nothing written) when one with this id exists, which
   * is how a retried request finds what its earlier attempt created.
   */
  async create(op: Operation, status: OperationStatus): Promise<boolean> {
    const key = this.key(op.id);
    // Each user's "pending" mark first, a chunk at a time (a bulk's 10,000 in one transaction
    // are one burst of memory for nothing): `pendingFor` counts a mark only while its
    // operation's status is pending, so marks written before the operation, or again by a
    // retry of the same request (same id), change nothing.
    if (status === "pending") {
      await this.inChunks(
        op.plan.items.flatMap((item) => (item.kind === "change" ? [item.upn] : [])),
        (tx, upn) =>
          tx.sadd(this.pendingKey(upn), op.id).expire(this.pendingKey(upn), OPERATION_RETENTION_SECONDS),
      );
    }
    if ((await this.redis.hsetnx(key, "data", JSON.stringify(op))) === 0) return false;
    const tx = this.redis.multi();
    tx.hset(key, {
      status,
      requester: op.requester.upn,
      expiresAtMs: String(Date.parse(op.expiresAt)),
      quorum: String(op.quorum ?? 1),
    });
    tx.expire(key, OPERATION_RETENTION_SECONDS);
    await tx.exec();
    return true;
  }

  /** One transaction per CHUNK items: many independent writes without one burst of memory. */
  private async inChunks<T>(
    items: readonly T[],
    write: (tx: ChainableCommander, item: T) => void,
  ): Promise<void> {
    for (let i = 0; i < items.length; i += CHUNK) {
      const tx = this.redis.multi();
      for (const item of items.slice(i, i + CHUNK)) write(tx, item);
      await tx.exec();
    }
  }

  async get(id: string): Promise<{ op: Operation; state: OperationState } | null> {
    const fields = await this.redis.hgetall(this.key(id));
    if (!fields.data) return null;
    return { op: operationSchema.parse(JSON.parse(fields.data)), state: stateOf(fields) };
  }

  /**
   * Only the operation's state (status, approvals, message references, pause), without the
   * operation itself: a 10,000-user operation's plan and views are megabytes of JSON, not worth
   * reading and validating to learn whether a card was posted.
   */
  async state(id: string): Promise<OperationState | null> {
    const key = this.key(id);
    const values = await this.redis.hmget(key, ...STATE_FIELDS);
    const fields: Record<string, string> = {};
    STATE_FIELDS.forEach((field, i) => {
      const value = values[i];
      if (value !== null && value !== undefined) fields[field] = value;
    });
    if (fields.status === undefined && (await this.redis.hexists(key, "data")) === 0) return null;
    return stateOf(fields);
  }

  async decide(id: string, deciderUpn: string, decision: Decision, now: Date): Promise<DecisionResult> {
    const reply = (await this.redis.eval(
      DECIDE_SCRIPT,
      1,
      this.key(id),
      canonicalAddress(deciderUpn),
      decision,
      String(now.getTime()),
      now.toISOString(),
    )) as string[];
    const [code, status, decidedBy, decidedAt] = reply;
    if (code === "ok") return { ok: true };
    if (code === "partial" || code === "again") {
      const counts = { approvals: Number(status), quorum: Number(decidedBy) };
      return code === "partial" ? { ok: true, partial: counts } : { ok: false, why: "again", ...counts };
    }
    if (code === "decided") {
      return {
        ok: false,
        why: "decided",
        status: operationStatusSchema.parse(status),
        ...(decidedBy ? { decidedBy } : {}),
        ...(decidedAt ? { decidedAt } : {}),
      };
    }
    return { ok: false, why: refusalSchema.parse(code) };
  }

  /** Atomically moves the status from `expected` to `next`; false when someone else got there first. */
  async transition(id: string, expected: OperationStatus, next: OperationStatus): Promise<boolean> {
    return (await this.redis.eval(TRANSITION_SCRIPT, 1, this.key(id), expected, next)) === 1;
  }

  /** applying → paused (false when the operation is not applying: another run got there first). */
  async pause(id: string, reason: PauseReason, now: Date, expiresAt: Date): Promise<boolean> {
    const args = [reason, now.toISOString(), String(expiresAt.getTime()), expiresAt.toISOString()];
    return (await this.redis.eval(PAUSE_SCRIPT, 1, this.key(id), ...args)) === 1;
  }

  /** paused → applying, for an approver's Continue. */
  async resume(id: string, upn: string, now: Date): Promise<ResumeResult> {
    const [code, status] = (await this.redis.eval(
      RESUME_SCRIPT,
      1,
      this.key(id),
      canonicalAddress(upn),
      String(now.getTime()),
    )) as string[];
    if (code === "ok") return { ok: true };
    if (code === "state") return { ok: false, why: "state", status: operationStatusSchema.parse(status) };
    return { ok: false, why: z.enum(["missing", "self", "expired"]).parse(code) };
  }

  async clearPending(op: Operation): Promise<void> {
    await this.inChunks(
      op.plan.items.flatMap((item) => (item.kind === "change" ? [item.upn] : [])),
      (tx, upn) => tx.srem(this.pendingKey(upn), op.id),
    );
  }

  async setRef(id: string, field: "cardRef" | "progressRef" | "pauseRef", ref: MessageRef): Promise<void> {
    await this.redis.hset(this.key(id), field, JSON.stringify(ref));
  }

  /** Per-user results of an apply, so a new worker resumes without redoing finished users. */
  async recordResults(
    id: string,
    results: ReadonlyArray<{ userId: string; line: ChangeResultLine }>,
  ): Promise<void> {
    if (results.length === 0) return;
    const key = this.key(id, ":results");
    const flat: Record<string, string> = {};
    for (const r of results) flat[r.userId] = JSON.stringify(r.line);
    await this.redis.multi().hset(key, flat).expire(key, OPERATION_RETENTION_SECONDS).exec();
  }

  async results(id: string): Promise<Map<string, ChangeResultLine>> {
    const raw = await this.redis.hgetall(this.key(id, ":results"));
    return new Map(
      Object.entries(raw).map(([userId, json]) => [userId, changeResultLineSchema.parse(JSON.parse(json))]),
    );
  }

  /**
   * Users whose follow-up (reminder, last change, drift record) is done: a staged bulk follows up
   * its canary at the pause and the rest at the end, never the same user twice, however long
   * the pause (finished reminder jobs, which dedupe, are only kept for a day).
   */
  async markFollowedUp(id: string, upns: readonly string[]): Promise<void> {
    if (upns.length === 0) return;
    const key = this.key(id, ":followed");
    await this.redis
      .multi()
      .sadd(key, ...upns)
      .expire(key, OPERATION_RETENTION_SECONDS)
      .exec();
  }

  async followedUp(id: string): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.key(id, ":followed")));
  }

  /** The right to post an operation's summary: granted once. Released if the post fails. */
  async claimSummary(id: string): Promise<boolean> {
    const set = await this.redis.set(this.key(id, ":summary"), "1", "EX", OPERATION_RETENTION_SECONDS, "NX");
    return set === "OK";
  }

  async releaseSummary(id: string): Promise<void> {
    await this.redis.del(this.key(id, ":summary"));
  }

  async pendingFor(upn: string): Promise<string[]> {
    const ids = await this.redis.smembers(this.pendingKey(upn));
    const pending: string[] = [];
    for (const id of ids) {
      if ((await this.redis.hget(this.key(id), "status")) === "pending") pending.push(id);
    }
    return pending.sort();
  }

  /** Each user's last change through the bot, for `status`; all in one round trip. */
  async setLastChanges(changes: ReadonlyArray<{ upn: string; change: LastChange }>): Promise<void> {
    // In chunks: each key stands alone, and a retry writes the same values again.
    await this.inChunks(changes, (tx, { upn, change }) =>
      tx.set(this.lastKey(upn), JSON.stringify(change), "EX", OPERATION_RETENTION_SECONDS),
    );
  }

  async lastChange(upn: string): Promise<LastChange | null> {
    const raw = await this.redis.get(this.lastKey(upn));
    return raw ? lastChangeSchema.parse(JSON.parse(raw)) : null;
  }

  /** The last change of each of these users, in one round trip (the report reads a page at a time). */
  async lastChanges(upns: readonly string[]): Promise<Map<string, LastChange>> {
    if (upns.length === 0) return new Map();
    const raw = await this.redis.mget(upns.map((upn) => this.lastKey(upn)));
    const found = new Map<string, LastChange>();
    raw.forEach((json, i) => {
      const upn = upns[i];
      if (json && upn) found.set(upn, lastChangeSchema.parse(JSON.parse(json)));
    });
    return found;
  }

  /**
   * Marks users whose methods or per-user state the bot is changing: for `seconds`, their
   * registration is read live rather than from the report, which lags changes by hours.
   * In Redis, so every worker process sees it.
   */
  async markRegistrationChanged(userIds: readonly string[], seconds: number): Promise<void> {
    if (userIds.length === 0) return;
    const tx = this.redis.multi();
    for (const id of userIds) tx.set(this.changedKey(id), "1", "EX", Math.max(1, Math.ceil(seconds)));
    await tx.exec();
  }

  /** Which of these users the bot changed recently (see markRegistrationChanged). */
  async registrationChangedRecently(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const values = await this.redis.mget(userIds.map((id) => this.changedKey(id)));
    return new Set(userIds.filter((_, i) => values[i] !== null));
  }

  private changedKey(userId: string): string {
    return `${this.prefix}:regchanged:${userId.toLowerCase()}`;
  }

  private pendingKey(upn: string): string {
    return `${this.prefix}:pending:${canonicalAddress(upn)}`;
  }

  private lastKey(upn: string): string {
    return `${this.prefix}:last:${canonicalAddress(upn)}`;
  }
}
