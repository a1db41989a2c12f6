import { rolePermits } from "../core/permissions.js";
import { type Decision, VERBS } from "../core/verbs.js";
import type { Operation, OperationStatus } from "../operations/operation.js";
import type { DecisionResult } from "../operations/store.js";
import type { DecisionJob } from "../queue/jobs.js";
import { actingAs } from "./acting-identity.js";
import { approvalView } from "./approval-view.js";
import type { WorkerDeps } from "./deps.js";
import { hasDrifted } from "./handle-apply.js";
import { refusedForIdentity } from "./identity-gate.js";
import { bestEffort, reply, textOutcome, update } from "./notify.js";
import { enqueueApply } from "./submit-change.js";

/**
 * Approve/Reject. Only the policy's approvers decide; the atomic transition in the
 * operation store makes two clicks, two approvers or a retry count once. Refusals go to
 * the clicker only; the card is updated for everyone once a decision stands.
 */
export async function handleDecision(deps: WorkerDeps, job: DecisionJob, retry = false): Promise<void> {
  if (await refusedForIdentity(deps, job)) return;
  const found = await deps.operations.get(job.approvalId);
  if (!found) {
    await reply(deps, job.replyTo, textOutcome("error", `There is no approval request ${job.approvalId}.`));
    return;
  }
  const { op } = found;
  const acting = await actingAs(deps, job.decider, job.replyTo, job.requestId);
  if (!acting.ok) {
    await refuse(deps, job, acting.reason, acting.offer);
    return;
  }
  const { actor } = acting;
  const decider = actor.upn;
  const isOwn = op.requester.upn === decider;
  // The requester may withdraw their own request; deciding on others' needs the approver role.
  const decides = VERBS[job.decision].decides;
  if (!rolePermits(actor.roles, job.decision) && !(isOwn && decides === "rejected")) {
    await refuse(deps, job, "only the approvers named in the policy file can approve or reject requests.");
    return;
  }
  const now = deps.now();
  const result = await deps.operations.decide(op.id, decider, decides, now);
  if (!result.ok && result.why === "again" && retry) {
    // This job's approval counted before it failed later: say so rather than refuse it.
    await reply(deps, job.replyTo, textOutcome("info", `You approved ${op.id}.`));
    return;
  }
  if (!result.ok && retry && isOwnEarlierDecision(result, decider, decides)) {
    // This job decided before and failed later: finish what it started instead of
    // refusing its own decision. Enqueueing the apply is idempotent.
    if (decides === "approved") await enqueueApply(deps, op);
    await reply(deps, job.replyTo, textOutcome("info", `You ${decides} ${op.id}.`));
    return;
  }
  if (!result.ok) {
    await refuse(deps, job, refusalText(result));
    if (result.why === "expired") await refreshCard(deps, op, "Expired before anyone approved it.");
    return;
  }
  if ("partial" in result) {
    await partialApproval(deps, job, op, decider, result.partial);
    return;
  }
  await deps.operations.clearPending(op);
  await deps.audit.append([
    {
      at: now.toISOString(),
      operationId: op.id,
      approvalId: op.id,
      actor: decider,
      action: job.decision,
      planHash: op.plan.hash,
      result: "ok",
      ...(job.reason ? { detail: job.reason } : {}),
    },
  ]);
  // The apply first: a card that cannot be edited (deleted, bot removed) must not hold up
  // an approved change. The apply edits the card again when done.
  if (decides === "approved") {
    await enqueueApply(deps, op);
    await refreshCard(deps, op, "Approved: applying now.", "approved");
  } else {
    await refreshCard(deps, op, isOwn ? "Withdrawn by the requester." : "Rejected: nothing was changed.");
  }
  // Everyone sees the card; the clicker also hears that their click counted.
  await reply(deps, job.replyTo, textOutcome("info", `You ${decides} ${op.id}.`));
}

/**
 * An approval short of the quorum: audited, and the plan checked again — if the directory
 * changed since the request, it is superseded by a new one that every approver approves anew.
 * Otherwise the card shows who has approved, and the request waits for the next approver.
 */
async function partialApproval(
  deps: WorkerDeps,
  job: DecisionJob,
  op: Operation,
  decider: string,
  counts: { approvals: number; quorum: number },
): Promise<void> {
  const tally = `${counts.approvals} of ${counts.quorum} approvals`;
  await deps.audit.append([
    {
      at: deps.now().toISOString(),
      operationId: op.id,
      approvalId: op.id,
      actor: decider,
      action: job.decision,
      planHash: op.plan.hash,
      result: "recorded",
      detail: job.reason ? `${tally} — ${job.reason}` : tally,
    },
  ]);
  if (await hasDrifted(deps, op, "pending")) {
    await reply(
      deps,
      job.replyTo,
      textOutcome(
        "warning",
        `Users changed since ${op.id} was requested: a new request asks every approver again.`,
      ),
    );
    return;
  }
  await refreshCard(deps, op, tally, "pending");
  await reply(
    deps,
    job.replyTo,
    textOutcome("info", `You approved ${op.id}: ${tally}; it waits for another approver.`),
  );
}

function isOwnEarlierDecision(
  result: Exclude<DecisionResult, { ok: true }>,
  decider: string,
  decides: Decision,
): boolean {
  if (result.why !== "decided" || result.decidedBy !== decider) return false;
  // Once approved, an operation moves on (applying, done, superseded): all were this approval.
  return decides === "rejected"
    ? result.status === "rejected"
    : result.status !== "rejected" && result.status !== "expired";
}

/**
 * Re-renders the approval card from the stored operation, for everyone who sees it; with
 * `onlyIf`, only while the operation is still in that state (a finished apply has the last
 * word). A card that cannot be edited is logged, never fatal.
 */
export async function refreshCard(
  deps: WorkerDeps,
  operation: Operation | string,
  outcomeText: string,
  onlyIf?: OperationStatus,
): Promise<void> {
  // An operation never changes once stored, only its state: a caller holding it passes it, and
  // a 10,000-user plan is not read and validated again to redraw a card.
  const state = await deps.operations.state(typeof operation === "string" ? operation : operation.id);
  if (!state?.cardRef) return;
  if (onlyIf && state.status !== onlyIf) return;
  const op = typeof operation === "string" ? (await deps.operations.get(operation))?.op : operation;
  if (!op) return;
  const cardRef = state.cardRef;
  await bestEffort(deps, "update the approval card", () =>
    update(deps, cardRef, { kind: "approval", approval: approvalView(op, state, outcomeText) }),
  );
}

/** `more` goes to the clicker only, never to the audit log (a sign-in link, say). */
async function refuse(deps: WorkerDeps, job: DecisionJob, why: string, more?: string): Promise<void> {
  await deps.audit.append([
    {
      at: deps.now().toISOString(),
      operationId: job.approvalId,
      approvalId: job.approvalId,
      actor: job.decider.upn,
      action: job.decision,
      result: "refused",
      detail: why,
    },
  ]);
  await reply(
    deps,
    job.replyTo,
    textOutcome("error", `You cannot ${job.decision} ${job.approvalId}: ${why}${more ? `\n${more}` : ""}`),
  );
}

function refusalText(result: Exclude<DecisionResult, { ok: true }>): string {
  switch (result.why) {
    case "self":
      return "nobody approves their own request; another approver must.";
    case "again":
      return `you have already approved it (${result.approvals} of ${result.quorum} approvals); another approver must.`;
    case "expired":
      return "the request has expired; ask for it again.";
    case "missing":
      return "there is no such request.";
    case "decided": {
      const by = result.decidedBy ? ` by ${result.decidedBy}` : "";
      const at = result.decidedAt ? ` at ${result.decidedAt}` : "";
      return `it was already ${decisionOf(result.status)}${by}${at}.`;
    }
  }
}

/**
 * What was decided, for a click that came too late: once approved, an operation moves on to
 * applying and done (or superseded), but the decision the clicker missed is still the approval.
 */
function decisionOf(status: OperationStatus): string {
  switch (status) {
    case "applying":
    case "done":
      return "approved";
    case "superseded":
      return "approved (then superseded by a new request)";
    default:
      return status;
  }
}
