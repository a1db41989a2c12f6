import { changedOutsideBot } from "../core/drift.js";
import type { DirectoryAudit } from "../directory/port.js";
import type { ReplyAddress } from "../notify/address.js";
import type { Outcome } from "../notify/outcome.js";
import type { ExpectedState } from "../operations/drift-store.js";
import type { DriftSweepJob } from "../queue/jobs.js";
import type { WorkerDeps } from "./deps.js";
import { bestEffort, post } from "./notify.js";

/**
 * The drift sweep (README, "Safer rollouts"): per-user MFA states changed outside the bot. Each
 * sweep reads the directory audit log since the last one and checks every user the bot changed
 * that the log names, plus the next slice of all of them — so a change the log records is found
 * within one sweep, one it does not within a day (sliceSize), and a 50,000-user tenant is
 * never re-read in one go. Reads go through the Graph client and its budget like any other.
 */

/** The least users a sweep reads besides those the audit log names (one $batch is 20). */
export const SWEEP_SLICE = 500;
const DAY_MINUTES = 24 * 60;

/**
 * Users to read per sweep besides the named ones: enough that every user the bot changed is
 * read at least once a day (a change the audit log does not name is found within a day), and
 * never fewer than SWEEP_SLICE.
 */
export function sliceSize(tracked: number, everyMinutes: number): number {
  const sweepsPerDay = Math.max(1, Math.floor(DAY_MINUTES / everyMinutes));
  return Math.max(SWEEP_SLICE, Math.ceil(tracked / sweepsPerDay));
}
/** The audit log can lag a little behind a change; read a few minutes back each time. */
const AUDIT_OVERLAP_MS = 5 * 60_000;

export interface SweepResult {
  checked: number;
  alerted: number;
}

/** Runs one sweep and schedules the next (one per period, however many workers run). */
export async function handleDriftSweep(deps: WorkerDeps, job: DriftSweepJob): Promise<void> {
  await sweepDrift(deps);
  await scheduleDriftSweep(deps, job.slot + 1);
}

/** Queues the sweep of period `slot` (deduplicated: two workers starting queue it once). */
export async function scheduleDriftSweep(deps: WorkerDeps, slot?: number): Promise<void> {
  const every = deps.policy.driftSweep?.everyMinutes;
  if (!every) return;
  const periodMs = every * 60_000;
  const now = deps.now().getTime();
  const next = slot ?? Math.floor(now / periodMs) + 1;
  await deps.queue.enqueue(
    { kind: "driftSweep", requestId: `drift-sweep-${next}`, slot: next },
    { dedupeKey: `drift-sweep-${next}`, delayMs: Math.max(0, next * periodMs - now) },
  );
}

export async function sweepDrift(deps: WorkerDeps): Promise<SweepResult> {
  const started = deps.now();
  const position = await deps.drift.position();
  const since = position.since
    ? new Date(Date.parse(position.since) - AUDIT_OVERLAP_MS)
    : new Date(started.getTime() - (deps.policy.driftSweep?.everyMinutes ?? 60) * 60_000 - AUDIT_OVERLAP_MS);
  const audits = await readAudits(deps, since);
  const named = await deps.drift.get([...audits.keys()]);
  const every = deps.policy.driftSweep?.everyMinutes ?? 60;
  const slice = await deps.drift.slice(position.cursor, sliceSize(await deps.drift.size(), every));
  const candidates = new Map<string, ExpectedState>([...slice.users, ...named]);
  const states = await deps.directory.getMfaStates([...candidates.keys()]);
  let alerted = 0;
  for (const [userId, expected] of candidates) {
    const now = states.get(userId);
    if (now === undefined || now instanceof Error) continue;
    if (!changedOutsideBot(expected.state, now)) {
      // As set, or Enabled → Enforced by the user's own registration: what to compare with next.
      if (now !== expected.state || expected.reported !== undefined) {
        await deps.drift.setReported(userId, { ...expected, state: now }, undefined);
      }
      continue;
    }
    if (expected.reported === now) continue;
    if (!(await deps.drift.claimAlert(userId, now))) continue;
    const change = audits.get(userId);
    const delivered = await alert(deps, {
      kind: "drift",
      user: { id: userId, upn: expected.upn },
      set: expected.state,
      now,
      operationId: expected.operationId,
      setAt: expected.at,
      ...(change?.initiatedBy ? { changedBy: change.initiatedBy } : {}),
      ...(change ? { changedAt: change.at } : {}),
    });
    // Not posted anywhere: not marked either, so the next sweep tries again (nothing is lost).
    if (!delivered) {
      await deps.drift.releaseAlert(userId, now);
      continue;
    }
    await deps.drift.setReported(userId, expected, now);
    await deps.audit.append([
      {
        at: deps.now().toISOString(),
        operationId: expected.operationId,
        actor: "mfa-bot",
        action: "drift",
        target: expected.upn,
        before: expected.state,
        after: now,
        result: "alerted",
        ...(change?.initiatedBy ? { detail: `changed by ${change.initiatedBy} at ${change.at}` } : {}),
      },
    ]);
    alerted++;
  }
  await deps.drift.setPosition({ cursor: slice.cursor, since: started.toISOString() });
  deps.logger.info({ checked: candidates.size, named: named.size, alerted }, "drift sweep");
  return { checked: candidates.size, alerted };
}

/** The latest audit entry naming each user; an unreadable log (no permission) names no one. */
async function readAudits(deps: WorkerDeps, since: Date): Promise<Map<string, DirectoryAudit>> {
  let audits: DirectoryAudit[] = [];
  try {
    audits = await deps.directory.directoryAudits(since);
  } catch (err) {
    deps.logger.warn({ err: String(err) }, "drift sweep: could not read the directory audit log");
  }
  const latest = new Map<string, DirectoryAudit>();
  for (const audit of audits) {
    for (const id of audit.targetUserIds) {
      const seen = latest.get(id);
      if (!seen || Date.parse(audit.at) > Date.parse(seen.at)) latest.set(id, audit);
    }
  }
  return latest;
}

/**
 * The alert, to each destination the policy names; one that fails does not stop the others.
 * True when at least one took it.
 */
async function alert(deps: WorkerDeps, outcome: Extract<Outcome, { kind: "drift" }>): Promise<boolean> {
  const { slackChannel, teamsConversation } = deps.policy.alerts ?? {};
  const to: ReplyAddress[] = [
    ...(slackChannel
      ? [{ platform: "slack" as const, conversation: slackChannel, user: "mfa-bot", extra: {} }]
      : []),
    ...(teamsConversation
      ? [{ platform: "teams" as const, conversation: teamsConversation, user: "mfa-bot", extra: {} }]
      : []),
  ];
  let delivered = false;
  for (const address of to) {
    await bestEffort(deps, `post a drift alert to ${address.platform}`, async () => {
      await post(deps, address, outcome);
      delivered = true;
    });
  }
  return delivered;
}
