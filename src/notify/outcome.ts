import { z } from "zod";
import { type ChangeAction, planFlagSchema } from "../core/plan-types.js";
import type { PauseReason } from "../core/stages.js";
import type { PerUserMfaState } from "../core/states.js";
import type { ApprovalStatus, OperationStatus } from "../core/statuses.js";
import type { Verb } from "../core/verbs.js";

/**
 * What the worker tells a person, independent of any chat platform. Each adapter renders
 * these its own way (Block Kit, Adaptive Cards, plain text); render-text.ts gives the
 * plain-text form every platform can fall back to.
 */

/** The answers to a paused staged bulk: the verbs its buttons stand for. */
export const STAGE_VERBS = ["continue", "abort"] as const satisfies readonly Verb[];
export type StageVerb = (typeof STAGE_VERBS)[number];

export interface UserLabel {
  upn: string;
  displayName?: string;
}

export interface RegistrationSummary {
  isMfaRegistered: boolean;
  methods: string[];
  defaultMethod: string | null;
}

export interface ApprovalView {
  id: string;
  action: ChangeAction;
  bulk: boolean;
  requester: string;
  reason?: string;
  createdAt: string;
  expiresAt: string;
  status: ApprovalStatus;
  /** Where the operation itself stands (approved and still to apply, applying, done, …). */
  operationStatus: OperationStatus;
  decidedBy?: string;
  decidedAt?: string;
  /** With a quorum of more than one: approvers needed, and who approved so far (in order). */
  quorum?: { needed: number; approvedBy: string[] };
  /** Counts of the plan shown for approval. */
  counts: { change: number; noop: number; refused: number; notFound: number; reregistrationNeeded: number };
  /** Who will change (first ones; `more` tells how many are left out). */
  changes: { users: UserLabel[]; more: number };
  unchanged: { users: Array<UserLabel & { reason: string }>; more: number };
  refused: { users: Array<{ ref: string; reason: string }>; more: number };
  notFound: { refs: string[]; more: number };
  approvalReasons: string[];
  warnings: string[];
  /** After a decision: what came of it, in one line. */
  outcomeText?: string;
  /**
   * Every name, when the lists above leave some out: sent with the first post of the card
   * so the approver can see exactly who will change (Slack posts it in the card's thread).
   */
  allNames?: { change: string[]; unchanged: string[]; refused: string[]; notFound: string[] };
}

/** One user's result of an apply, as recorded (and read back by a resumed worker). */
export const changeResultLineSchema = z.object({
  upn: z.string(),
  from: z.string(),
  requested: z.string(),
  /** What Graph reports after the change (read back), which may differ from `requested`. */
  now: z.string().optional(),
  ok: z.boolean(),
  error: z.string().optional(),
  flags: z.array(planFlagSchema),
  /** For re-registration: methods removed and not removed. */
  methodsRemoved: z.array(z.string()).optional(),
  methodsFailed: z.array(z.object({ method: z.string(), error: z.string() })).optional(),
});
export type ChangeResultLine = z.infer<typeof changeResultLineSchema>;

export interface AuditLine {
  at: string;
  operationId: string;
  actor: string;
  action: string;
  target?: string;
  before?: string;
  after?: string;
  result: string;
  approvalId?: string;
}

export type Outcome =
  | { kind: "text"; tone: "info" | "warning" | "error"; title?: string; text: string; operationId?: string }
  | {
      kind: "status";
      user: UserLabel & { id: string };
      state: PerUserMfaState;
      registration: RegistrationSummary;
      reregistrationNeeded: boolean;
      isProtected: boolean;
      /** `kind` "securityDefaults": no policy, only security defaults (which prompt when necessary). */
      coverage: {
        covered: boolean;
        by: string[];
        notes: string[];
        kind?: "conditionalAccess" | "securityDefaults" | "none";
      };
      pendingApprovals: string[];
      /** The state differs from the one the bot last set: changed outside the bot. */
      drift?: { set: string; operationId: string; at: string };
      lastChange?: {
        operationId: string;
        at: string;
        actor: string;
        from?: string;
        to?: string;
        action: string;
      };
    }
  | {
      kind: "change";
      operationId: string;
      action: ChangeAction;
      results: ChangeResultLine[];
      unchanged: Array<UserLabel & { reason: string }>;
      refused: Array<{ ref: string; reason: string }>;
      notFound: string[];
      warnings: string[];
    }
  | { kind: "approval"; approval: ApprovalView }
  | {
      kind: "progress";
      operationId: string;
      action: ChangeAction;
      done: number;
      total: number;
      failed: number;
    }
  | {
      kind: "summary";
      operationId: string;
      action: ChangeAction;
      changed: Array<UserLabel & { now: PerUserMfaState }>;
      unchanged: Array<UserLabel & { reason: string }>;
      failed: Array<{ upn: string; reason: string }>;
      reregistrationNeeded: string[];
      notFound: string[];
      refused: Array<{ ref: string; reason: string }>;
    }
  | {
      kind: "report";
      counts: Record<string, number>;
      total: number;
      registration: { registered: number; notRegistered: number; unknown: number };
      /** The first of them (lower-cased UPNs); `enabledUnregisteredTotal` counts them all. */
      enabledUnregistered: string[];
      enabledUnregisteredTotal: number;
      /** The CSV of every user that goes with the message (Notifier.share), when there is one. */
      csv?: { filename: string; lines: number };
    }
  | {
      /** A staged bulk waiting for Continue or Abort (after its canary, or too many failures). */
      kind: "paused";
      operationId: string;
      action: ChangeAction;
      reason: PauseReason;
      /** Users with a result so far, of them failed, and users in the operation. */
      done: number;
      failed: number;
      total: number;
      /** The failed users (the first few) and why. */
      failures: { users: Array<{ upn: string; reason: string }>; more: number };
      /** The policy's limit, for a pause on failures. */
      maxFailureRate?: number;
      /** Continue is possible until then; after it, the rest is not applied. */
      expiresAt: string;
      /** Once answered: no buttons, and who answered. */
      answered?: { verb: StageVerb; by: string; at: string };
    }
  | {
      /** A per-user MFA state changed outside the bot, found by the drift sweep. */
      kind: "drift";
      user: UserLabel & { id: string };
      /** The state the bot set (read back after its change), by which operation, when. */
      set: string;
      operationId: string;
      setAt: string;
      /** The state now. */
      now: string;
      /** Who changed it and when, when the directory audit log names them. */
      changedBy?: string;
      changedAt?: string;
    }
  | { kind: "audit"; subject: string; entries: AuditLine[] }
  | {
      kind: "convertPlan";
      perUserCount: number;
      /** Every one of them is covered by an enforcing Conditional Access policy. */
      covered: boolean;
      coveredBy: string[];
      notes: string[];
      /** Covered by nothing; `convert execute` refuses them (the groups below are named apart). */
      uncovered: string[];
      /** Covered only by security defaults: converting them needs an approver's acknowledgement. */
      securityDefaultsOnly?: string[];
      /** Excluded from the policy by one of their directory roles; refused. */
      excludedByRole?: string[];
      /** Guests or external users a policy's guest condition may leave out; refused. */
      guests?: string[];
    }
  /** A direct message to a user: enabled for MFA, register at the link. */
  | { kind: "registerReminder"; upn: string; setupUrl: string; attempt: number; requestedBy?: string };
