import { z } from "zod";
import { planSchema, targetViewSchema } from "../core/plan-types.js";
import type { PauseReason } from "../core/stages.js";
import { mfaStateSchema } from "../core/states.js";
import type { OperationStatus } from "../core/statuses.js";
import type { messageRefSchema } from "../notify/address.js";
import { directoryTargetSchema, replyAddressSchema, requesterSchema } from "../queue/jobs.js";

export { OPERATION_STATUSES, type OperationStatus } from "../core/statuses.js";
export { messageRefSchema } from "../notify/address.js";

/**
 * An operation is one change request: its plan, who asked, where to answer, and — when it
 * needs approval — the approval's state. It lives in Redis so that any worker replica can
 * decide on it, apply it, or resume it after a crash.
 */
export const operationSchema = z.object({
  id: z.string(),
  requestId: z.string(),
  requester: requesterSchema,
  replyTo: replyAddressSchema,
  reason: z.string().optional(),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** What was asked, kept so the plan can be made again at apply time. */
  targets: z.array(directoryTargetSchema),
  restoreTo: z.record(z.string(), mfaStateSchema).optional(),
  /** `disable … for 4h`: re-enable after this many minutes. */
  forMinutes: z.number().int().optional(),
  /** The operation this one undoes, for the audit trail. */
  undoOf: z.string().optional(),
  plan: planSchema,
  /** A staged bulk: its canary size and failure limit, fixed when it was requested (core/stages.ts). */
  stages: z
    .object({
      canary: z.number().int().min(1).optional(),
      maxFailureRate: z.number().min(0).max(1).optional(),
    })
    .optional(),
  /** Distinct approvers the request needs (policy `quorum`, fixed when it was asked); absent: one. */
  quorum: z.number().int().min(1).optional(),
  /** The directory's view of each target when the plan was made, for the drift check. */
  views: z.array(targetViewSchema),
});
export type Operation = z.infer<typeof operationSchema>;

export const approvalSchema = z.object({ by: z.string(), at: z.string() });
export type Approval = z.infer<typeof approvalSchema>;

/** The mutable part, kept in separate hash fields so Lua scripts can change it atomically. */
export interface OperationState {
  status: OperationStatus;
  decidedBy?: string;
  decidedAt?: string;
  /** Approvals given so far, in order (a quorum of n needs n distinct approvers). */
  approvals: Approval[];
  cardRef?: z.infer<typeof messageRefSchema>;
  progressRef?: z.infer<typeof messageRefSchema>;
  /** A staged bulk's canary was continued past: later runs apply everything left. */
  canaryPassed?: boolean;
  /** While (or since last) paused: why, when, until when Continue is possible, and the message. */
  pause?: { reason: PauseReason; at: string; expiresAt: string };
  pauseRef?: z.infer<typeof messageRefSchema>;
}
