import type { AuditEntry } from "../audit/audit-log.js";
import { plan } from "../core/plan.js";
import type { ChangeAction, Plan, TargetView } from "../core/plan-types.js";
import { quorumFor } from "../core/quorum.js";
import type { Actor } from "../core/roles.js";
import { stagesFor } from "../core/stages.js";
import { isKnownMfaState, type KnownMfaState } from "../core/states.js";
import type { Operation } from "../operations/operation.js";
import { operationIdFor } from "../operations/operation-id.js";
import type { DirectoryTarget, RequestJob } from "../queue/jobs.js";
import { approvalView } from "./approval-view.js";
import type { WorkerDeps } from "./deps.js";
import { gatherTargets, needsFor } from "./gather-targets.js";
import { post, reply, textOutcome } from "./notify.js";

export interface ChangeRequest {
  action: ChangeAction;
  bulk: boolean;
  targets: DirectoryTarget[];
  reason?: string;
  forMinutes?: number;
  restoreTo?: Record<string, KnownMfaState>;
  undoOf?: string;
  /** `--canary <n>`: apply n users first, then wait for Continue. */
  canary?: number;
}

/**
 * Plans a change and turns it into an operation: posted for approval when the plan needs
 * it, queued for applying when it does not, answered at once when nothing would change.
 */
export async function submitChange(
  deps: WorkerDeps,
  job: RequestJob,
  actor: Actor,
  change: ChangeRequest,
): Promise<void> {
  const id = operationIdFor(`request:${job.requestId}`);
  const earlier = await deps.operations.get(id);
  if (earlier) {
    // A retry of this request: carry on from where the earlier attempt got to.
    if (earlier.state.status === "pending") await askApproval(deps, earlier.op);
    if (earlier.state.status === "approved") await enqueueApply(deps, earlier.op);
    return;
  }
  const { maxBulk } = deps.policy;
  if (change.targets.length > maxBulk) {
    await reply(deps, job.replyTo, textOutcome("error", tooMany(change.targets.length, maxBulk)));
    return;
  }
  const views = await gatherTargets(deps, change.targets, needsFor(change.action));
  if (views.length > maxBulk) {
    await reply(deps, job.replyTo, textOutcome("error", tooMany(views.length, maxBulk)));
    return;
  }
  const planned = planFor(deps, actor, change, views);
  const now = deps.now();
  const op: Operation = {
    id,
    requestId: job.requestId,
    // The directory's UPN, not the chat's email: self-approval is checked against it.
    requester: { ...job.requester, upn: actor.upn },
    replyTo: job.replyTo,
    ...(change.reason ? { reason: change.reason } : {}),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.policy.approvalTtlMinutes * 60_000).toISOString(),
    targets: change.targets,
    ...(change.restoreTo ? { restoreTo: change.restoreTo } : {}),
    ...(change.forMinutes ? { forMinutes: change.forMinutes } : {}),
    ...(change.undoOf ? { undoOf: change.undoOf } : {}),
    plan: planned,
    ...stagesOf(deps, change, planned),
    ...(planned.requiresApproval
      ? { quorum: quorumFor(deps.policy.quorum, change.action, change.bulk) }
      : {}),
    views,
  };
  await deps.audit.append(requestAudit(op, now));
  if (!planned.items.some((i) => i.kind === "change")) {
    await reply(deps, job.replyTo, nothingToDo(op));
    return;
  }
  if (planned.requiresApproval) {
    await askApproval(deps, op);
    return;
  }
  await deps.operations.create(op, "approved");
  await enqueueApply(deps, op);
}

/** A bulk's stages: its `--canary`, or the policy's canary for big bulks, and the failure limit. */
function stagesOf(deps: WorkerDeps, change: ChangeRequest, planned: Plan): Pick<Operation, "stages"> {
  if (!change.bulk) return {};
  const changes = planned.items.filter((i) => i.kind === "change").length;
  const stages = stagesFor(deps.policy.canary, change.canary, changes);
  return Object.keys(stages).length > 0 ? { stages } : {};
}

/** One apply job per operation, however often this is called. */
export async function enqueueApply(deps: WorkerDeps, op: Pick<Operation, "id" | "requestId">): Promise<void> {
  await deps.queue.enqueue(
    { kind: "apply", requestId: op.requestId, operationId: op.id },
    { dedupeKey: op.id },
  );
}

export function planFor(deps: WorkerDeps, actor: Actor, change: ChangeRequest, views: TargetView[]): Plan {
  return plan({
    action: change.action,
    bulk: change.bulk,
    actor,
    targets: views,
    policy: { requireApproval: deps.policy.requireApproval },
    ...(change.restoreTo ? { restoreTo: change.restoreTo } : {}),
  });
}

/**
 * Stores the operation as pending and posts its approval card where the request came from;
 * called again (a retry), it posts the card only if the earlier attempt did not.
 */
export async function askApproval(deps: WorkerDeps, op: Operation): Promise<void> {
  await deps.operations.create(op, "pending");
  if ((await deps.operations.state(op.id))?.cardRef) return;
  const card = await post(deps, op.replyTo, {
    kind: "approval",
    approval: approvalView(op, { status: "pending", approvals: [] }, undefined, { allNames: true }),
  });
  await deps.operations.setRef(op.id, "cardRef", card);
  // Nobody may decide: the card must still stop offering buttons when the request expires.
  await deps.queue.enqueue(
    { kind: "expire", requestId: op.requestId, operationId: op.id },
    { dedupeKey: op.id, delayMs: Math.max(0, Date.parse(op.expiresAt) - deps.now().getTime()) },
  );
}

/** `undo <operation>`: restore the states recorded before that operation changed them. */
export async function submitUndo(
  deps: WorkerDeps,
  job: RequestJob,
  actor: Actor,
  operationId: string,
  reason?: string,
): Promise<void> {
  const found = await deps.operations.get(operationId);
  if (found?.state.status !== "done") {
    const why = found ? `it is ${found.state.status}, not done` : "there is no such operation";
    await reply(deps, job.replyTo, textOutcome("error", `Cannot undo ${operationId}: ${why}.`));
    return;
  }
  const results = await deps.operations.results(operationId);
  const restoreTo: Record<string, KnownMfaState> = {};
  const targets: DirectoryTarget[] = [];
  for (const [userId, line] of results) {
    if (!line.ok || line.requested === line.from) continue;
    if (!isKnownMfaState(line.from)) continue;
    restoreTo[userId] = line.from;
    targets.push({ kind: "objectId", id: userId, label: line.upn });
  }
  if (targets.length === 0) {
    await reply(
      deps,
      job.replyTo,
      textOutcome("info", `Operation ${operationId} changed no per-user MFA state: nothing to undo.`),
    );
    return;
  }
  await submitChange(deps, job, actor, {
    action: "undo",
    bulk: targets.length > 1,
    targets,
    restoreTo,
    undoOf: operationId,
    ...(reason ? { reason } : {}),
  });
}

/** The answer when a plan changes nobody: who is unchanged, refused or not found, and why. */
export function nothingToDo(op: Operation) {
  const items = op.plan.items;
  return {
    kind: "change" as const,
    operationId: op.id,
    action: op.plan.action,
    results: [],
    unchanged: items.flatMap((i) => (i.kind === "noop" ? [{ upn: i.upn, reason: i.reason }] : [])),
    refused: items.flatMap((i) => (i.kind === "refused" ? [{ ref: i.upn ?? i.ref, reason: i.reason }] : [])),
    notFound: items.flatMap((i) => (i.kind === "notFound" ? [i.ref] : [])),
    warnings: op.plan.warnings,
  };
}

function requestAudit(op: Operation, now: Date): AuditEntry[] {
  const base = {
    at: now.toISOString(),
    operationId: op.id,
    actor: op.requester.upn,
    planHash: op.plan.hash,
    ...(op.reason ? { detail: op.reason } : {}),
  };
  const entries: AuditEntry[] = [
    {
      ...base,
      action: `request ${op.plan.bulk ? "bulk " : ""}${op.plan.action}`,
      result: op.plan.requiresApproval ? "pending approval" : "accepted",
    },
  ];
  for (const item of op.plan.items) {
    if (item.kind === "refused") {
      entries.push({
        ...base,
        action: op.plan.action,
        target: item.upn ?? item.ref,
        result: "refused",
        detail: item.reason,
      });
    }
  }
  return entries;
}

function tooMany(count: number, max: number): string {
  return `That names ${count} users; the policy allows at most ${max} in one request (maxBulk). Split it up.`;
}
