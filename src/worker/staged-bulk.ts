import type { PauseReason } from "../core/stages.js";
import type { ChangeResultLine, Outcome, StageVerb } from "../notify/outcome.js";
import type { Operation, OperationState } from "../operations/operation.js";
import type { ExpireJob, RequestJob } from "../queue/jobs.js";
import { followUp } from "./after-apply.js";
import type { WorkerDeps } from "./deps.js";
import { refreshCard } from "./handle-decision.js";
import { bestEffort, post, reply, textOutcome, update } from "./notify.js";

/**
 * Staged bulk changes (README, "Safer rollouts"): a bulk stops after its canary, or when its
 * failure rate passes the policy's limit, and waits — in Redis, so a restarted worker loses
 * nothing — for an approver's Continue or Abort, until the pause expires like an approval.
 */

/** How many failed users a pause message names before "and N more". */
const FAILURES_SHOWN = 10;

/** Stops an applying operation: paused in the store, the pause posted with its buttons, its expiry queued. */
export async function pauseApply(
  deps: WorkerDeps,
  op: Operation,
  reason: PauseReason,
  lines: ChangeResultLine[],
): Promise<void> {
  // Reminders and "last change" for those done so far: the rest may never come.
  await followUp(deps, op, lines);
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + deps.policy.approvalTtlMinutes * 60_000);
  if (!(await deps.operations.pause(op.id, reason, now, expiresAt))) return;
  const failed = lines.filter((l) => !l.ok).length;
  await deps.audit.append([
    {
      at: now.toISOString(),
      operationId: op.id,
      actor: "mfa-bot",
      action: "pause",
      planHash: op.plan.hash,
      result: "paused",
      detail: `${reason}: ${lines.length} applied, ${failed} failed`,
    },
  ]);
  await deps.queue.enqueue(
    { kind: "expire", requestId: op.requestId, operationId: op.id },
    { dedupeKey: `${op.id}-pause-${now.getTime()}`, delayMs: expiresAt.getTime() - now.getTime() },
  );
  await announcePause(deps, op);
}

/** Posts the pause message once per pause (a retried job finds it posted). */
export async function announcePause(deps: WorkerDeps, op: Operation): Promise<void> {
  const state = await deps.operations.state(op.id);
  if (state?.status !== "paused" || state.pauseRef) return;
  const outcome = await pausedOutcome(deps, op, state);
  if (!outcome) return;
  const ref = await post(deps, op.replyTo, outcome);
  await deps.operations.setRef(op.id, "pauseRef", ref);
  await refreshCard(deps, op, `${outcome.done} of ${outcome.total} applied; paused, waiting for Continue.`);
}

async function pausedOutcome(
  deps: WorkerDeps,
  op: Operation,
  state: OperationState,
  answered?: { verb: StageVerb; by: string; at: string },
): Promise<Extract<Outcome, { kind: "paused" }> | undefined> {
  if (!state.pause) return undefined;
  const recorded = [...(await deps.operations.results(op.id)).values()];
  const failures = recorded.filter((l) => !l.ok).map((l) => ({ upn: l.upn, reason: l.error ?? "failed" }));
  return {
    kind: "paused",
    operationId: op.id,
    action: op.plan.action,
    reason: state.pause.reason,
    done: recorded.length,
    failed: failures.length,
    total: op.plan.items.filter((i) => i.kind === "change").length,
    failures: {
      users: failures.slice(0, FAILURES_SHOWN),
      more: Math.max(0, failures.length - FAILURES_SHOWN),
    },
    ...(op.stages?.maxFailureRate !== undefined ? { maxFailureRate: op.stages.maxFailureRate } : {}),
    expiresAt: state.pause.expiresAt,
    ...(answered ? { answered } : {}),
  };
}

/** The pause message, edited for everyone: who answered it, and no more buttons. */
async function closePauseMessage(
  deps: WorkerDeps,
  op: Operation,
  answered: { verb: StageVerb; by: string; at: string },
): Promise<void> {
  const state = await deps.operations.state(op.id);
  const ref = state?.pauseRef;
  if (!state || !ref) return;
  const outcome = await pausedOutcome(deps, op, state, answered);
  if (outcome) await bestEffort(deps, "update the pause message", () => update(deps, ref, outcome));
}

/** `continue <operation>`: an approver (not the requester) lets a paused bulk apply the rest. */
export async function continueBulk(
  deps: WorkerDeps,
  job: RequestJob,
  actorUpn: string,
  operationId: string,
  reason?: string,
): Promise<void> {
  const found = await findOperation(deps, job, operationId);
  if (!found) return;
  const { op } = found;
  const pausedAt = found.state.pause?.at;
  const result = await deps.operations.resume(op.id, actorUpn, deps.now());
  // A retry of this Continue after it resumed the bulk: the apply job below is idempotent.
  const resumedBefore = !result.ok && result.why === "state" && result.status === "applying";
  if (!result.ok && !resumedBefore) {
    await refuseStage(deps, job, "continue", op.id, actorUpn, resumeRefusal(result));
    return;
  }
  const now = deps.now().toISOString();
  if (result.ok) await auditAnswer(deps, op, "continue", actorUpn, now, reason);
  // One apply job per pause: the key names the pause this Continue answered.
  await deps.queue.enqueue(
    { kind: "apply", requestId: op.requestId, operationId: op.id },
    { dedupeKey: `${op.id}-continue-${pausedAt ?? "resumed"}` },
  );
  await closePauseMessage(deps, op, { verb: "continue", by: actorUpn, at: now });
  await reply(deps, job.replyTo, textOutcome("info", `You continued ${op.id}: applying the rest.`));
}

/** `abort <operation>`: a paused bulk stops for good; what was applied stays, and is summarised. */
export async function abortBulk(
  deps: WorkerDeps,
  job: RequestJob,
  actorUpn: string,
  operationId: string,
  reason?: string,
): Promise<void> {
  const found = await findOperation(deps, job, operationId);
  if (!found) return;
  const { op } = found;
  if (!(await deps.operations.transition(op.id, "paused", "aborted"))) {
    const status = (await deps.operations.state(op.id))?.status;
    await refuseStage(deps, job, "abort", op.id, actorUpn, `it is ${status ?? "gone"}, not paused.`);
    return;
  }
  const now = deps.now().toISOString();
  await auditAnswer(deps, op, "abort", actorUpn, now, reason);
  await finishAborted(deps, op, { verb: "abort", by: actorUpn, at: now });
  await reply(deps, job.replyTo, textOutcome("info", `You aborted ${op.id}: the rest will not be applied.`));
}

/** A pause that reached its expiry unanswered ends like an abort, by the bot. */
export async function expirePause(deps: WorkerDeps, job: ExpireJob): Promise<void> {
  const found = await deps.operations.get(job.operationId);
  const expiresAt = found?.state.pause?.expiresAt;
  if (found?.state.status !== "paused" || !expiresAt) return;
  if (deps.now().getTime() < Date.parse(expiresAt)) return;
  if (!(await deps.operations.transition(found.op.id, "paused", "aborted"))) return;
  const now = deps.now().toISOString();
  await deps.audit.append([
    {
      at: now,
      operationId: found.op.id,
      actor: "mfa-bot",
      action: "expire",
      planHash: found.op.plan.hash,
      result: "aborted",
      detail: "paused past its expiry: the rest was not applied",
    },
  ]);
  await finishAborted(deps, found.op, { verb: "abort", by: "mfa-bot (expired)", at: now });
}

async function finishAborted(
  deps: WorkerDeps,
  op: Operation,
  answered: { verb: StageVerb; by: string; at: string },
): Promise<void> {
  await closePauseMessage(deps, op, answered);
  const recorded = [...(await deps.operations.results(op.id)).values()];
  const failed = recorded.filter((l) => !l.ok).length;
  const total = op.plan.items.filter((i) => i.kind === "change").length;
  await refreshCard(
    deps,
    op,
    `Aborted by ${answered.by}: ${recorded.length - failed} done, ${failed} failed, ${total - recorded.length} not applied.`,
  );
}

async function findOperation(deps: WorkerDeps, job: RequestJob, operationId: string) {
  const found = await deps.operations.get(operationId);
  if (!found) await reply(deps, job.replyTo, textOutcome("error", `There is no operation ${operationId}.`));
  return found;
}

async function auditAnswer(
  deps: WorkerDeps,
  op: Operation,
  verb: StageVerb,
  actorUpn: string,
  at: string,
  reason?: string,
): Promise<void> {
  await deps.audit.append([
    {
      at,
      operationId: op.id,
      actor: actorUpn,
      action: verb,
      planHash: op.plan.hash,
      result: "ok",
      ...(reason ? { detail: reason } : {}),
    },
  ]);
}

async function refuseStage(
  deps: WorkerDeps,
  job: RequestJob,
  verb: StageVerb,
  operationId: string,
  actorUpn: string,
  why: string,
): Promise<void> {
  await deps.audit.append([
    {
      at: deps.now().toISOString(),
      operationId,
      actor: actorUpn,
      action: verb,
      result: "refused",
      detail: why,
    },
  ]);
  await reply(deps, job.replyTo, textOutcome("error", `You cannot ${verb} ${operationId}: ${why}`));
}

function resumeRefusal(
  result: Exclude<Awaited<ReturnType<WorkerDeps["operations"]["resume"]>>, { ok: true }>,
) {
  switch (result.why) {
    case "missing":
      return "there is no such operation.";
    case "self":
      return "nobody continues their own bulk change; another approver must.";
    case "expired":
      return "the pause has expired; the rest will not be applied.";
    case "state":
      return `it is ${result.status}, not paused.`;
  }
}
