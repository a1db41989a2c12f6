import type { AuditEntry } from "../audit/audit-log.js";
import { accountOfView, isProtected } from "../config/roles.js";
import type { PlanItem } from "../core/plan-types.js";
import { FAILURE_WINDOW, failureRateExceeded, type PauseReason } from "../core/stages.js";
import type { ChangeResultLine } from "../notify/outcome.js";
import type { Operation } from "../operations/operation.js";
import type { WorkerDeps } from "./deps.js";
import { markRegistrationChanged } from "./gather-targets.js";
import { bestEffort, post, update } from "./notify.js";
import { setStatesThroughOutage } from "./through-outage.js";

type Change = Extract<PlanItem, { kind: "change" }>;

/**
 * Users written per step. Each step's results are recorded before the next starts, so a
 * worker killed mid-way redoes at most one step (each user PATCHed at most twice); the
 * Graph client turns a step into $batch requests of 20 and paces them to the budget.
 */
export const APPLY_STEP = 40;

/** Where a staged bulk stops on its own (README, "Safer rollouts"). */
export interface StageLimits {
  /** Stop once this many users have results (the canary), if any are left. */
  stopAfter?: number;
  /** Stop when the failure rate over the sliding window of this run's writes passes this. */
  maxFailureRate?: number;
}

export interface ApplyRun {
  /** Every change's result so far, in plan order. */
  lines: ChangeResultLine[];
  /** Set when the run stopped to wait for Continue, with users still to apply. */
  paused?: PauseReason;
}

/**
 * Applies the changes not yet recorded for this operation, up to the stage limits. The failure
 * window covers this run's writes only: after a Continue it starts afresh, so the failures the
 * approver has already seen do not pause the rest at once.
 */
export async function applyChanges(
  deps: WorkerDeps,
  op: Operation,
  changes: Change[],
  limits: StageLimits = {},
): Promise<ApplyRun> {
  const recorded = await deps.operations.results(op.id);
  const progress = await ProgressReporter.start(deps, op, changes.length, recorded.size);
  // A last guard, whatever the plan says: a protected account is never written, by any of its names.
  const viewed = new Map(op.views.flatMap((v) => (v.user ? [[v.user.id, v.user] as const] : [])));
  const guarded = changes.filter((c) => {
    if (recorded.has(c.userId)) return false;
    const user = viewed.get(c.userId) ?? { id: c.userId, upn: c.upn };
    return isProtected(deps.policy, accountOfView({ ...user, id: c.userId, upn: c.upn }));
  });
  await record(
    deps,
    op,
    guarded.map((c) => [
      c.userId,
      {
        upn: c.upn,
        from: c.from,
        requested: c.to,
        ok: false,
        error: "protected account: the bot never changes it",
        flags: c.flags,
      },
    ]),
    recorded,
  );
  const remaining = changes.filter((c) => !recorded.has(c.userId));
  const setState = remaining.filter((c) => c.op === "setState");
  const failedThisRun: boolean[] = [];
  const left = () => changes.some((c) => !recorded.has(c.userId));
  const linesOf = () => changes.flatMap((c) => recorded.get(c.userId) ?? []);
  // With a failure limit, steps are one window long, so a bad batch is caught after one window.
  const stepSize = limits.maxFailureRate === undefined ? APPLY_STEP : Math.min(APPLY_STEP, FAILURE_WINDOW);
  for (let i = 0; i < setState.length; ) {
    const budget = limits.stopAfter === undefined ? stepSize : limits.stopAfter - recorded.size;
    if (budget <= 0) return { lines: linesOf(), paused: "canary" };
    const step = setState.slice(i, i + Math.min(stepSize, budget));
    i += step.length;
    deps.checkpoint?.();
    // Marked before the write: a worker killed after it must not leave the report trusted.
    await markRegistrationChanged(
      deps,
      step.map((c) => c.userId),
    );
    const results = await setStatesThroughOutage(
      deps,
      step.map((c) => ({ userId: c.userId, state: c.to })),
    );
    const byUser = new Map(results.map((r) => [r.userId, r]));
    const lines = step.map((c): [string, ChangeResultLine] => {
      const r = byUser.get(c.userId);
      const base = { upn: c.upn, from: c.from, requested: c.to, flags: c.flags };
      if (!r) return [c.userId, { ...base, ok: false, error: "no result came back" }];
      return [c.userId, r.ok ? { ...base, ok: true, now: r.state } : { ...base, ok: false, error: r.error }];
    });
    await record(deps, op, lines, recorded);
    await progress.tick(recorded);
    failedThisRun.push(...lines.map(([, line]) => !line.ok));
    if (
      limits.maxFailureRate !== undefined &&
      left() &&
      failureRateExceeded(failedThisRun, limits.maxFailureRate)
    ) {
      return { lines: linesOf(), paused: "failures" };
    }
  }
  for (const c of remaining.filter((c) => c.op === "reregister")) {
    if (limits.stopAfter !== undefined && recorded.size >= limits.stopAfter) {
      return { lines: linesOf(), paused: "canary" };
    }
    deps.checkpoint?.();
    await markRegistrationChanged(deps, [c.userId]);
    const deletions = await deps.directory.requireReregistration(c.userId);
    const failed = deletions.filter((d) => !d.ok);
    const line: ChangeResultLine = {
      upn: c.upn,
      from: c.from,
      requested: c.to,
      now: c.from,
      ok: failed.length === 0,
      flags: c.flags,
      methodsRemoved: deletions.filter((d) => d.ok).map((d) => d.method.type),
      methodsFailed: failed.map((d) => ({ method: d.method.type, error: d.error ?? "failed" })),
      ...(failed.length ? { error: `${failed.length} method(s) could not be removed` } : {}),
    };
    await record(deps, op, [[c.userId, line]], recorded);
    await progress.tick(recorded);
  }
  if (limits.stopAfter !== undefined && recorded.size >= limits.stopAfter && left()) {
    return { lines: linesOf(), paused: "canary" };
  }
  return { lines: linesOf() };
}

async function record(
  deps: WorkerDeps,
  op: Operation,
  lines: Array<[string, ChangeResultLine]>,
  recorded: Map<string, ChangeResultLine>,
): Promise<void> {
  await deps.operations.recordResults(
    op.id,
    lines.map(([userId, line]) => ({ userId, line })),
  );
  for (const [userId, line] of lines) recorded.set(userId, line);
  const at = deps.now().toISOString();
  const entries: AuditEntry[] = lines.map(([, line]) => ({
    at,
    operationId: op.id,
    actor: op.requester.upn,
    action: op.plan.action,
    target: line.upn,
    before: line.from,
    ...(line.now ? { after: line.now } : {}),
    ...(op.plan.requiresApproval ? { approvalId: op.id } : {}),
    planHash: op.plan.hash,
    result: line.ok ? "ok" : "failed",
    ...(line.error ? { detail: line.error } : {}),
  }));
  await deps.audit.append(entries);
}

/** One progress message per bulk operation, edited in place at most every few seconds. */
class ProgressReporter {
  private lastUpdate = 0;

  private constructor(
    private readonly deps: WorkerDeps,
    private readonly op: Operation,
    private readonly total: number,
    private readonly ref: Awaited<ReturnType<typeof post>> | undefined,
  ) {}

  static async start(
    deps: WorkerDeps,
    op: Operation,
    total: number,
    done: number,
  ): Promise<ProgressReporter> {
    if (!op.plan.bulk && total <= 1) return new ProgressReporter(deps, op, total, undefined);
    let ref = (await deps.operations.state(op.id))?.progressRef;
    if (!ref) {
      ref = await post(deps, op.replyTo, {
        kind: "progress",
        operationId: op.id,
        action: op.plan.action,
        done,
        total,
        failed: 0,
      });
      await deps.operations.setRef(op.id, "progressRef", ref);
    }
    const reporter = new ProgressReporter(deps, op, total, ref);
    reporter.lastUpdate = deps.now().getTime();
    return reporter;
  }

  async tick(recorded: Map<string, ChangeResultLine>): Promise<void> {
    if (!this.ref) return;
    const now = this.deps.now().getTime();
    if (now - this.lastUpdate < this.deps.settings.progressIntervalMs) return;
    this.lastUpdate = now;
    const failed = [...recorded.values()].filter((l) => !l.ok).length;
    const ref = this.ref;
    // A progress message someone deleted (Slack: message_not_found) must not stop the apply:
    // the changes and the summary are what matter.
    await bestEffort(this.deps, "update the progress message", () =>
      update(this.deps, ref, {
        kind: "progress",
        operationId: this.op.id,
        action: this.op.plan.action,
        done: recorded.size,
        total: this.total,
        failed,
      }),
    );
  }
}
