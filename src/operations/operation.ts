import { z } from "zod";
import { directoryTargetSchema, replyAddressSchema, requesterSchema } from "../queue/jobs.js";

/**
 * An operation is one change request: its plan, who asked, where to answer, and — when it
 * needs approval — the approval's state. It lives in Redis so that any worker replica can
 * decide on it, apply it, or resume it after a crash.
 */
export const OPERATION_STATUSES = [
  "pending",
  "approved",
  "rejected",
  "expired",
  "superseded",
  "applying",
  "done",
  /** Applying stopped on an error a person must look at; what was done is recorded. */
  "failed",
] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

const knownState = z.enum(["disabled", "enabled", "enforced"]);

const planItemSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("change"),
    userId: z.string(),
    upn: z.string(),
    op: z.enum(["setState", "reregister"]),
    from: z.string(),
    to: knownState,
    flags: z.array(
      z.enum([
        "reregistration-needed",
        "leaves-no-mfa",
        "security-defaults-only",
        "legacy-apps-need-app-passwords",
      ]),
    ),
  }),
  z.object({
    kind: z.literal("noop"),
    userId: z.string(),
    upn: z.string(),
    state: z.string(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal("refused"),
    ref: z.string(),
    userId: z.string().optional(),
    upn: z.string().optional(),
    reason: z.string(),
    rule: z.string(),
  }),
  z.object({ kind: z.literal("notFound"), ref: z.string() }),
]);

export const planSchema = z.object({
  action: z.enum(["enable", "disable", "enforce", "reregister", "convert", "undo"]),
  bulk: z.boolean(),
  items: z.array(planItemSchema),
  requiresApproval: z.boolean(),
  approvalReasons: z.array(z.string()),
  warnings: z.array(z.string()),
  hash: z.string(),
});

export const messageRefSchema = z.object({
  platform: z.enum(["console", "slack", "teams"]),
  conversation: z.string(),
  messageId: z.string(),
  extra: z.record(z.string(), z.string()).default({}),
});

/** The directory's view of a target when the plan was made (TargetView), for the drift check. */
export const targetViewSchema = z.object({
  ref: z.string(),
  user: z
    .object({ id: z.string(), upn: z.string(), displayName: z.string(), mail: z.string().nullish() })
    .nullable(),
  perUserMfaState: z.string(),
  registration: z.object({
    isMfaRegistered: z.boolean(),
    methods: z.array(z.string()).readonly(),
    defaultMethod: z.string().nullable().optional(),
  }),
  isProtected: z.boolean(),
  coveredByConditionalAccess: z.boolean(),
  coveredBySecurityDefaultsOnly: z.boolean().optional(),
  coverageNote: z.string().optional(),
});

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
  restoreTo: z.record(z.string(), knownState).optional(),
  /** `disable … for 4h`: re-enable after this many minutes. */
  forMinutes: z.number().int().optional(),
  /** The operation this one undoes, for the audit trail. */
  undoOf: z.string().optional(),
  plan: planSchema,
  views: z.array(targetViewSchema),
});
export type Operation = z.infer<typeof operationSchema>;

/** The mutable part, kept in separate hash fields so Lua scripts can change it atomically. */
export interface OperationState {
  status: OperationStatus;
  decidedBy?: string;
  decidedAt?: string;
  cardRef?: z.infer<typeof messageRefSchema>;
  progressRef?: z.infer<typeof messageRefSchema>;
}
