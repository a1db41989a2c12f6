import type { ExpireJob } from "../queue/jobs.js";
import type { WorkerDeps } from "./deps.js";
import { refreshCard } from "./handle-decision.js";
import { expirePause } from "./staged-bulk.js";

/**
 * An approval request that reached its expiry undecided: marked expired (atomically, so a
 * click at the same moment either wins before or is refused after), taken off the users'
 * pending lists, and its card shows it expired, without buttons.
 */
export async function handleExpire(deps: WorkerDeps, job: ExpireJob): Promise<void> {
  const found = await deps.operations.get(job.operationId);
  if (found?.state.status === "paused") {
    await expirePause(deps, job);
    return;
  }
  if (found?.state.status !== "pending") return;
  if (deps.now().getTime() < Date.parse(found.op.expiresAt)) return;
  if (!(await deps.operations.transition(job.operationId, "pending", "expired"))) return;
  await deps.operations.clearPending(found.op);
  await deps.audit.append([
    {
      at: deps.now().toISOString(),
      operationId: found.op.id,
      approvalId: found.op.id,
      actor: "mfa-bot",
      action: "expire",
      planHash: found.op.plan.hash,
      result: "expired",
    },
  ]);
  await refreshCard(deps, found.op, "Expired before anyone approved it.");
}
