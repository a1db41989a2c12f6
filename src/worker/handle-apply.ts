import type { PlanItem } from "../core/plan-types.js";
import { inGraphLane } from "../directory/graph/lane.js";
import type { ChangeResultLine, Outcome } from "../notify/outcome.js";
import { actionLabel } from "../notify/words.js";
import type { Operation } from "../operations/operation.js";
import { operationIdFor } from "../operations/operation-id.js";
import type { ApplyJob } from "../queue/jobs.js";
import { rolloutChart } from "../report/chart.js";
import { discardFile, type OutgoingFile } from "../report/outgoing-file.js";
import { resolveActor } from "./actor.js";
import { followUp } from "./after-apply.js";
import { applyChanges } from "./apply-changes.js";
import type { WorkerDeps } from "./deps.js";
import { refreshViews } from "./gather-targets.js";
import { refreshCard } from "./handle-decision.js";
import { bestEffort, notifierFor, post, reply, update } from "./notify.js";
import { announcePause, pauseApply } from "./staged-bulk.js";
import { askApproval, nothingToDo, planFor } from "./submit-change.js";

type Change = Extract<PlanItem, { kind: "change" }>;

/**
 * Applies an approved operation. The first run re-reads the targets and refuses to apply
 * a plan that no longer matches what was approved; a resumed run (after a worker died)
 * skips users whose results are already recorded. The summary is posted once.
 */
export async function handleApply(deps: WorkerDeps, job: ApplyJob): Promise<void> {
  const found = await deps.operations.get(job.operationId);
  if (!found) {
    deps.logger.warn({ operationId: job.operationId }, "apply: no such operation");
    return;
  }
  // A bulk's Graph calls take only free room in the budget; a single change goes first.
  await inGraphLane(found.op.plan.bulk ? "bulk" : "interactive", () => applyFound(deps, found));
}

async function applyFound(
  deps: WorkerDeps,
  found: NonNullable<Awaited<ReturnType<WorkerDeps["operations"]["get"]>>>,
): Promise<void> {
  const { op } = found;
  let status = found.state.status;
  if (status === "approved") {
    // Only an approval binds a plan to what someone saw; without one, the plan is moments old.
    if (op.plan.requiresApproval && (await hasDrifted(deps, op))) return;
    if (!(await deps.operations.transition(op.id, "approved", "applying"))) return;
    status = "applying";
  }
  const changes = op.plan.items.filter((i): i is Change => i.kind === "change");
  if (status === "paused") {
    // A retry after the pause was recorded but before it was posted.
    await announcePause(deps, op);
    return;
  }
  if (status === "applying") {
    const canaryPassed = (await deps.operations.state(op.id))?.canaryPassed ?? false;
    const stages = op.stages ?? {};
    const run = await applyChanges(deps, op, changes, {
      ...(stages.canary !== undefined && !canaryPassed ? { stopAfter: stages.canary } : {}),
      ...(stages.maxFailureRate !== undefined ? { maxFailureRate: stages.maxFailureRate } : {}),
    });
    if (run.paused) {
      await pauseApply(deps, op, run.paused, run.lines);
      return;
    }
    const lines = run.lines;
    await followUp(deps, op, lines);
    await deps.operations.transition(op.id, "applying", "done");
    status = "done";
  }
  // Done (now, or by an earlier attempt that failed to announce it): say so, once.
  if (status === "done") await announce(deps, op, changes);
}

/**
 * The drift check: the plan made from fresh states must hash to what was approved (or, `from`
 * "pending", to what the approvers so far approved: a quorum's later approvers must see the
 * same plan, or the request starts again from zero).
 */
export async function hasDrifted(
  deps: WorkerDeps,
  op: Operation,
  from: "approved" | "pending" = "approved",
): Promise<boolean> {
  const views = await refreshViews(deps, op.views, op.plan.action);
  const actor = await resolveActor(deps, op.requester.upn);
  const replanned = planFor(
    deps,
    actor,
    {
      action: op.plan.action,
      bulk: op.plan.bulk,
      targets: op.targets,
      ...(op.restoreTo ? { restoreTo: op.restoreTo } : {}),
    },
    views,
  );
  if (replanned.hash === op.plan.hash) return false;
  deps.logger.info({ operationId: op.id, was: op.plan.hash, now: replanned.hash }, "plan drifted");
  if (!replanned.items.some((i) => i.kind === "change")) {
    if (await deps.operations.transition(op.id, from, "superseded")) {
      if (from === "pending") await deps.operations.clearPending(op);
      await refreshCard(deps, op, "Not applied: nothing is left to change (see the answer for why).");
      await reply(deps, op.replyTo, nothingToDo({ ...op, plan: replanned }));
    }
    return true;
  }
  // The new request first (same id on a retry), then retire the old one: a failure between
  // the two is retried without losing or doubling the new request.
  const now = deps.now();
  await askApproval(deps, {
    ...op,
    id: operationIdFor(`replan:${op.id}`),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.policy.approvalTtlMinutes * 60_000).toISOString(),
    plan: { ...replanned, requiresApproval: true },
    views,
  });
  if (await deps.operations.transition(op.id, from, "superseded")) {
    if (from === "pending") await deps.operations.clearPending(op);
    await refreshCard(
      deps,
      op,
      from === "pending"
        ? "Not applied: users changed between approvals. A new request follows; every approver approves it again."
        : "Not applied: users changed since this was approved. A new request follows.",
    );
  }
  return true;
}

async function announce(deps: WorkerDeps, op: Operation, changes: Change[]): Promise<void> {
  const recorded = await deps.operations.results(op.id);
  const lines = changes.flatMap((c) => recorded.get(c.userId) ?? []);
  const items = op.plan.items;
  const many = op.plan.bulk || changes.length > 1;
  if (await deps.operations.claimSummary(op.id)) {
    try {
      const outcome = many ? summaryOf(op, items, lines) : changeOutcomeOf(op, items, lines);
      if (outcome.kind === "summary") await postSummary(deps, op, outcome);
      else await reply(deps, op.replyTo, outcome);
    } catch (err) {
      await deps.operations.releaseSummary(op.id);
      throw err;
    }
  }
  const failed = lines.filter((l) => !l.ok).length;
  await refreshCard(deps, op, `Applied: ${lines.length - failed} done, ${failed} failed.`);
  const progressRef = (await deps.operations.state(op.id))?.progressRef;
  if (progressRef) {
    const progress: Outcome = {
      kind: "progress",
      operationId: op.id,
      action: op.plan.action,
      done: lines.length,
      total: changes.length,
      failed,
    };
    await bestEffort(deps, "update the progress message", () => update(deps, progressRef, progress));
  }
}

/**
 * The final word on a bulk change, for everyone, with a chart of how the rollout went; when no
 * chart can be drawn the words go alone (they say the same).
 */
async function postSummary(deps: WorkerDeps, op: Operation, summary: Extract<Outcome, { kind: "summary" }>) {
  let chart: OutgoingFile | undefined;
  try {
    chart = await rolloutChart(`${actionLabel(summary.action)}: operation ${op.id}`, [
      ["Changed", summary.changed.length],
      ["Unchanged", summary.unchanged.length],
      ["Failed", summary.failed.length],
      ["Not found", summary.notFound.length],
      ["Refused", summary.refused.length],
    ]);
  } catch (err) {
    deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "summary: no chart");
  }
  if (!chart) {
    await post(deps, op.replyTo, summary);
    return;
  }
  try {
    await notifierFor(deps, op.replyTo.platform).share(op.replyTo, summary, [chart]);
  } catch (err) {
    // A share cannot wait in the outbox (its file is gone once this returns), and the summary
    // must not be lost to a platform that is away: the words go alone, through the outbox.
    deps.logger.warn(
      { operationId: op.id, err: err instanceof Error ? err.message : String(err) },
      "summary: the chart could not be shared; posting the words alone",
    );
    await post(deps, op.replyTo, summary);
  } finally {
    await discardFile(chart);
  }
}

function changeOutcomeOf(op: Operation, items: PlanItem[], lines: ChangeResultLine[]): Outcome {
  return {
    kind: "change",
    operationId: op.id,
    action: op.plan.action,
    results: lines,
    unchanged: items.flatMap((i) => (i.kind === "noop" ? [{ upn: i.upn, reason: i.reason }] : [])),
    refused: items.flatMap((i) => (i.kind === "refused" ? [{ ref: i.upn ?? i.ref, reason: i.reason }] : [])),
    notFound: items.flatMap((i) => (i.kind === "notFound" ? [i.ref] : [])),
    warnings: op.plan.warnings,
  };
}

function summaryOf(op: Operation, items: PlanItem[], lines: ChangeResultLine[]): Outcome {
  return {
    kind: "summary",
    operationId: op.id,
    action: op.plan.action,
    changed: lines.flatMap((l) => (l.ok ? [{ upn: l.upn, now: l.now ?? l.requested }] : [])),
    unchanged: items.flatMap((i) => (i.kind === "noop" ? [{ upn: i.upn, reason: i.reason }] : [])),
    failed: lines.flatMap((l) => (l.ok ? [] : [{ upn: l.upn, reason: l.error ?? "failed" }])),
    reregistrationNeeded: lines.flatMap((l) =>
      l.ok && l.flags.includes("reregistration-needed") ? [l.upn] : [],
    ),
    notFound: items.flatMap((i) => (i.kind === "notFound" ? [i.ref] : [])),
    refused: items.flatMap((i) => (i.kind === "refused" ? [{ ref: i.upn ?? i.ref, reason: i.reason }] : [])),
  };
}
