/**
 * The typed form of every command the bot understands, whatever platform it came from.
 * The grammar (grammar.ts) produces these; the engine and the worker consume them. The
 * shapes follow from each verb's argument kind in the verb table (verbs.ts), and the types
 * are inferred from the schemas, so the job data the worker reads (src/queue/jobs.ts) is the
 * same command with chat mentions resolved.
 */
import { z } from "zod";
import { MAX_DISABLE_MINUTES } from "./grammar/duration.js";
import { MAX_REASON_LENGTH } from "./grammar/reason.js";
import { operationIdSchema } from "./ids.js";
import { type ArgumentKind, VERB_NAMES, verbsTaking } from "./verbs.js";

export type { DecisionVerb, RequestVerb, Verb } from "./verbs.js";

/** Someone or something a command is about, as typed — resolved to Entra users by the worker. */
export const targetRefSchema = z.discriminatedUnion("kind", [
  /** Slack mention `<@U123>` or `<@U123|name>`; resolved by the Slack adapter via users.info. */
  z.object({ kind: z.literal("slackUser"), id: z.string() }),
  /** Slack user group `<!subteam^S123|@team>`; expanded by the Slack adapter. */
  z.object({ kind: z.literal("slackUserGroup"), id: z.string() }),
  /** An email address or UPN, lower-cased (UPNs compare case-insensitively). */
  z.object({ kind: z.literal("upn"), upn: z.string() }),
  /** `group:<entra-group-object-id>`: transitive members of an Entra group. */
  z.object({ kind: z.literal("group"), id: z.string() }),
  /** An Entra user object id (a Teams mention carries one; a bare GUID also parses to this). */
  z.object({ kind: z.literal("objectId"), id: z.string() }),
]);
export type TargetRef = z.infer<typeof targetRefSchema>;

export const convertModeSchema = z.enum(["plan", "execute"]);

const reason = z.string().trim().min(1).max(MAX_REASON_LENGTH).optional();

/**
 * One object schema per argument kind, for targets of type `T` (as typed, or resolved to the
 * directory). A verb joins its kind's schema through its `args` in the verb table.
 */
export function commandVariants<T extends z.ZodType>(target: T, maxTargets: number) {
  return {
    user: z.object({
      verb: z.enum(verbsTaking("user")),
      target,
      reason,
      /** `disable <user> for 4h`: re-enable after this many minutes. */
      forMinutes: z.number().int().min(1).max(MAX_DISABLE_MINUTES).optional(),
    }),
    targets: z.object({
      verb: z.enum(verbsTaking("targets")),
      targets: z.array(target).min(1).max(maxTargets),
      reason,
      /** `--canary <n>`: apply n users first, the rest after an approver's Continue. */
      canary: z.number().int().min(1).max(MAX_CANARY).optional(),
    }),
    none: z.object({ verb: z.enum(verbsTaking("none")), reason }),
    convertMode: z.object({ verb: z.enum(verbsTaking("convertMode")), mode: convertModeSchema, reason }),
    auditSubject: z.object({
      verb: z.enum(verbsTaking("auditSubject")),
      subject: z.discriminatedUnion("kind", [
        z.object({ kind: z.literal("user"), target }),
        z.object({ kind: z.literal("operation"), id: operationIdSchema }),
      ]),
    }),
    operation: z.object({ verb: z.enum(verbsTaking("operation")), operationId: operationIdSchema, reason }),
    approval: z.object({ verb: z.enum(verbsTaking("approval")), approvalId: operationIdSchema, reason }),
    topic: z.object({ verb: z.enum(verbsTaking("topic")), topic: z.enum(VERB_NAMES).optional() }),
  } satisfies Record<ArgumentKind, z.ZodObject>;
}

/** The largest `--canary` (the policy's maxBulk bounds a bulk far below this). */
export const MAX_CANARY = 100_000;

/** A bound on parsing work only; the policy's maxBulk is enforced by the worker. */
export const MAX_BULK_TARGETS = 10_000;

type Variants<T extends z.ZodType> = ReturnType<typeof commandVariants<T>>;

/** Every command the worker answers or turns into an operation: all but decisions. */
export function requestCommandSchema<T extends z.ZodType>(variants: Variants<T>) {
  const { user, targets, none, convertMode, auditSubject, operation, topic } = variants;
  return z.discriminatedUnion("verb", [user, targets, none, convertMode, auditSubject, operation, topic]);
}

const typed = commandVariants(targetRefSchema, MAX_BULK_TARGETS);

/** A command as typed (the grammar's output): requests and decisions. */
export const commandSchema = z.discriminatedUnion("verb", [
  ...requestCommandSchema(typed).options,
  typed.approval,
]);
export type Command = z.infer<typeof commandSchema>;

/**
 * The command of one verb (or of each of several). A variant's `verb` is an enum of every verb
 * of its kind, so `Extract` would find nothing for one verb: each variant is narrowed instead.
 */
export type Narrowed<C, V> = C extends { verb: infer W }
  ? V extends W
    ? Omit<C, "verb"> & { verb: V }
    : never
  : never;
export type CommandOf<V extends Command["verb"]> = Narrowed<Command, V>;

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };
