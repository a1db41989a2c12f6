import { z } from "zod";
import { commandVariants, type Narrowed, requestCommandSchema } from "../core/command.js";
import { addressSchema, guidSchema, operationIdSchema, upnSchema } from "../core/ids.js";
import { platformSchema, replyAddressSchema } from "../notify/address.js";
import { chatAccountSchema } from "../signin/links.js";

export { platformSchema, replyAddressSchema } from "../notify/address.js";

/**
 * Job data shared by producers (adapters) and the worker. The worker parses every job
 * with these schemas before doing anything: a malformed job is logged and failed
 * without side effects, never half-applied.
 */

const id = z.string().min(1).max(256);
/** Job data checks ids and UPNs as the grammar and the policy do (src/core/ids.ts). */
export const operationId = operationIdSchema;
/** UPNs the bot read from the directory itself. */
const upn = upnSchema;
/** Addresses a person or a chat platform gave: the worker checks them (src/worker/identity-gate.ts). */
const address = addressSchema;

export const requesterSchema = z.object({
  platform: platformSchema,
  /** The chat platform's user id (Slack U…, Teams 29:…, console session). */
  chatUserId: id,
  /**
   * The address the platform gave for this person (Slack profile email, Teams UPN, console
   * `--as`); the worker checks it and resolves it to the directory's UPN for roles and approvals.
   */
  upn: address,
  /**
   * Slack: the workspace (T…), or the Enterprise Grid organisation (E…), the user id belongs to.
   * With chatUserId it names the account a sign-in may have linked (src/signin/links.ts).
   */
  teamId: z.string().min(1).max(64).optional(),
  /**
   * Nothing vouches for who this is: Teams in emulator mode (empty MicrosoftAppId) takes the
   * sender's word. Roles the policy's requireLinkedIdentity covers are refused to such requests.
   */
  unauthenticated: z.literal(true).optional(),
});

/** Targets as the worker receives them: chat mentions are resolved by the adapter first. */
export const directoryTargetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("upn"), upn: address, label: z.string().max(200).optional() }),
  z.object({ kind: z.literal("objectId"), id: guidSchema, label: z.string().max(200).optional() }),
  z.object({ kind: z.literal("group"), id: guidSchema, label: z.string().max(200).optional() }),
]);
export type DirectoryTarget = z.infer<typeof directoryTargetSchema>;

/** Bulk requests name at most this many targets after expansion (the policy's maxBulk is lower). */
const MAX_JOB_TARGETS = 100_000;
const variants = commandVariants(directoryTargetSchema, MAX_JOB_TARGETS);

/**
 * A request's command: the typed command (src/core/command.ts) with chat mentions resolved to
 * directory targets. Decisions (approve, reject) are decision jobs, not requests.
 */
export const jobCommandSchema = requestCommandSchema(variants);
export type JobCommand = z.infer<typeof jobCommandSchema>;
export type JobCommandOf<V extends JobCommand["verb"]> = Narrowed<JobCommand, V>;

/** A command from a person. */
export const requestJobSchema = z.object({
  kind: z.literal("request"),
  /** Correlates adapter → job → Graph calls in the logs. */
  requestId: id,
  requester: requesterSchema,
  replyTo: replyAddressSchema,
  command: jobCommandSchema,
  receivedAt: z.iso.datetime(),
});
export type RequestJob = z.infer<typeof requestJobSchema>;

/** An Approve/Reject click (or `approve <id>` typed): carries only the id and who clicked. */
export const decisionJobSchema = z.object({
  kind: z.literal("decision"),
  requestId: id,
  approvalId: operationId,
  decision: variants.approval.shape.verb,
  decider: requesterSchema,
  /** Where refusals go (ephemeral, to the clicker only). */
  replyTo: replyAddressSchema,
  reason: variants.approval.shape.reason,
});
export type DecisionJob = z.infer<typeof decisionJobSchema>;

/** Applies an approved (or approval-free) operation; resumable, one per operation. */
export const applyJobSchema = z.object({
  kind: z.literal("apply"),
  requestId: id,
  operationId,
});
export type ApplyJob = z.infer<typeof applyJobSchema>;

/** One round of registration reminders for an operation's enabled users. */
export const reminderJobSchema = z.object({
  kind: z.literal("reminder"),
  requestId: id,
  upn,
  operationId: operationId.optional(),
  attempt: z.number().int().min(0).max(1000),
  replyTo: replyAddressSchema,
  requestedBy: upn.optional(),
  /**
   * Set by the apply that just read this user back as Enabled: the first reminder goes out
   * without asking Graph again (the bulk's request budget is for the users still to change).
   */
  readBack: z
    .object({ at: z.iso.datetime(), id: z.string().min(1).max(256), mail: z.string().max(320).nullish() })
    .optional(),
});
export type ReminderJob = z.infer<typeof reminderJobSchema>;

/**
 * One message for many similar events (users a reminder could not reach, users who keep
 * ignoring reminders), so that a bulk of thousands does not send thousands of messages.
 */
export const digestJobSchema = z.object({
  kind: z.literal("digest"),
  requestId: id,
  /** The Redis set holding the lines, named after what they are and a time bucket. */
  key: z.string().min(1).max(512),
  heading: z.string().min(1).max(300),
  /** `reply` goes to the requester only; `post` to the conversation. */
  delivery: z.enum(["reply", "post"]),
  replyTo: replyAddressSchema,
});
export type DigestJob = z.infer<typeof digestJobSchema>;

/** Retires an approval request nobody decided on, when it expires. */
export const expireJobSchema = z.object({
  kind: z.literal("expire"),
  requestId: id,
  operationId,
});
export type ExpireJob = z.infer<typeof expireJobSchema>;

/** A chat account was just linked by signing in: its owner is told, privately, as whom it now acts. */
export const linkedJobSchema = z.object({
  kind: z.literal("linked"),
  requestId: id,
  account: chatAccountSchema,
  /** The Entra user the sign-in proved. */
  objectId: guidSchema,
  /** Where the `link` command came from (the DM goes in that workspace). */
  replyTo: replyAddressSchema,
});
export type LinkedJob = z.infer<typeof linkedJobSchema>;

/** A periodic sweep for per-user MFA states changed outside the bot; `slot` numbers the period. */
export const driftSweepJobSchema = z.object({
  kind: z.literal("driftSweep"),
  requestId: id,
  slot: z.number().int().min(0),
});
export type DriftSweepJob = z.infer<typeof driftSweepJobSchema>;

export const jobSchemas = {
  request: requestJobSchema,
  decision: decisionJobSchema,
  apply: applyJobSchema,
  reminder: reminderJobSchema,
  digest: digestJobSchema,
  expire: expireJobSchema,
  linked: linkedJobSchema,
  driftSweep: driftSweepJobSchema,
} as const;
export type JobKind = keyof typeof jobSchemas;

export function isJobKind(name: string): name is JobKind {
  return Object.hasOwn(jobSchemas, name);
}
export type AnyJob =
  | RequestJob
  | DecisionJob
  | ApplyJob
  | ReminderJob
  | DigestJob
  | ExpireJob
  | LinkedJob
  | DriftSweepJob;
