import { z } from "zod";

/**
 * Where an operation (one change request) stands. Approval requests start pending; a decision
 * moves them to approved or rejected, time to expired, a changed directory to superseded; an
 * approved operation moves on to applying and done (or failed).
 */
export const operationStatusSchema = z.enum([
  "pending",
  "approved",
  "rejected",
  "expired",
  "superseded",
  "applying",
  "done",
  /** Applying stopped on an error a person must look at; what was done is recorded. */
  "failed",
  /**
   * A staged bulk waiting for an approver's Continue or Abort: after its canary, or because its
   * failure rate passed the policy's limit. What was applied is recorded.
   */
  "paused",
  /** A paused bulk an approver aborted (or that expired while paused): the rest was not applied. */
  "aborted",
]);
export const OPERATION_STATUSES = operationStatusSchema.options;
export type OperationStatus = z.infer<typeof operationStatusSchema>;

/** What an approval card says of its request: after approval, applying and done are still "approved". */
export const approvalStatusSchema = operationStatusSchema.exclude([
  "applying",
  "done",
  "failed",
  "paused",
  "aborted",
]);
export type ApprovalStatus = z.infer<typeof approvalStatusSchema>;

export function approvalStatusOf(status: OperationStatus): ApprovalStatus {
  const shown = approvalStatusSchema.safeParse(status);
  return shown.success ? shown.data : "approved";
}
