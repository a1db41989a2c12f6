import { APPROVABLE_ACTIONS, type ApprovableAction, type Role } from "./roles.js";

/**
 * Every command the bot understands, once. The grammar, help, permissions, the job schema,
 * the Slack ack and the worker's handler map are all derived from this table: a new command
 * is a row here, and the compiler points at the handler (src/worker/handlers.ts) and the
 * renderers it still needs. The order of the rows is the order of `help`.
 */

/** How a command's arguments are read, and so what its typed command carries (command.ts). */
export type ArgumentKind =
  /** One user: `status <user>`. */
  | "user"
  /** Users and groups: `bulk enable <targets…>`. */
  | "targets"
  /** Nothing: `report`. */
  | "none"
  /** `plan` or `execute`. */
  | "convertMode"
  /** A user or an operation id: `audit <user|operation>`. */
  | "auditSubject"
  /** An operation id: `undo <operation>`. */
  | "operation"
  /** An approval id: a decision on a pending request, queued as a decision job. */
  | "approval"
  /** Optionally, the command to explain. */
  | "topic";

export interface VerbSpec {
  /** What people type, when it is not the verb itself (`bulk enable` for `bulk-enable`). */
  readonly words?: string;
  readonly args: ArgumentKind;
  /** The least role that may use it; roles add up (helpdesk < admin). null: anyone. */
  readonly role: Role | null;
  /** Follows "you need the <role> role to …" in a refusal. */
  readonly doing: string;
  /** The policy file's `requireApproval` entry it answers to, when it can need approval. */
  readonly approval?: ApprovableAction;
  /** Takes `--reason "…"`. */
  readonly reason: boolean;
  /** Takes `for 30m|4h|2d` (a temporary change). */
  readonly duration?: boolean;
  /** Takes `--canary <n>`: apply n users first, then wait for Continue. */
  readonly canary?: boolean;
  /** Slack acknowledges it with "Working on it…" instead of an empty ack. */
  readonly slow: boolean;
  /** The usage line without a platform prefix (Slack adds `/mfa `, Teams `mfa `). */
  readonly usage: string;
  readonly description: string;
  /** For decisions: the approval status a decision of this kind leads to. */
  readonly decides?: "approved" | "rejected";
}

export const VERBS = {
  status: {
    args: "user",
    role: "helpdesk",
    doing: "look up a user's MFA status",
    reason: true,
    slow: false,
    usage: 'status <user> [--reason "…"]',
    description: "per-user MFA state, registered methods, pending approvals and the last change",
  },
  enable: {
    args: "user",
    role: "admin",
    doing: "enable MFA",
    approval: "enable",
    reason: true,
    slow: false,
    usage: 'enable <user> [--reason "…"]',
    description: "enrol the user in per-user MFA; they are asked to register at next sign-in",
  },
  disable: {
    args: "user",
    role: "admin",
    doing: "disable MFA",
    approval: "disable",
    reason: true,
    duration: true,
    slow: false,
    usage: 'disable <user> [for 30m|4h|2d] [--reason "…"]',
    description: "turn per-user MFA off; with `for`, turn it back on after that long (at most 30 days)",
  },
  enforce: {
    args: "user",
    role: "admin",
    doing: "enforce MFA",
    reason: true,
    slow: false,
    usage: 'enforce <user> [--reason "…"]',
    description: "enforce MFA; refused for users who have not registered yet",
  },
  reregister: {
    args: "user",
    role: "admin",
    doing: "make a user re-register MFA",
    approval: "reregister",
    reason: true,
    slow: false,
    usage: 'reregister <user> [--reason "…"]',
    description: "require the user to register their MFA methods again",
  },
  remind: {
    args: "user",
    role: "helpdesk",
    doing: "remind a user to register for MFA",
    reason: true,
    slow: false,
    usage: 'remind <user> [--reason "…"]',
    description: "send the user the how-to-register message now",
  },
  "bulk-enable": {
    words: "bulk enable",
    args: "targets",
    role: "admin",
    doing: "bulk enable MFA",
    approval: "bulk",
    reason: true,
    canary: true,
    slow: true,
    usage: 'bulk enable <user|group> [<user|group>…] [--canary <n>] [--reason "…"]',
    description:
      "preview, then ask for approval to enable many users at once; with --canary, n users first, the rest after Continue",
  },
  report: {
    args: "none",
    role: "helpdesk",
    doing: "run the MFA report",
    reason: true,
    slow: true,
    usage: 'report [--reason "…"]',
    description: "counts by state and who is enabled but not registered",
  },
  convert: {
    args: "convertMode",
    role: "admin",
    doing: "convert users to Conditional Access",
    approval: "convert",
    reason: true,
    slow: true,
    usage: 'convert plan|execute [--reason "…"]',
    description: "plan or carry out the move from per-user MFA to Conditional Access",
  },
  audit: {
    args: "auditSubject",
    role: "helpdesk",
    doing: "read the audit log",
    reason: false,
    slow: true,
    usage: "audit <user>|<operation-id>",
    description: "changes made through the bot to a user, or by one operation",
  },
  undo: {
    args: "operation",
    role: "admin",
    doing: "undo an operation",
    approval: "undo",
    reason: true,
    slow: true,
    usage: 'undo <operation-id> [--reason "…"]',
    description: "restore the states an operation changed",
  },
  continue: {
    args: "operation",
    role: "approver",
    doing: "continue a paused bulk change",
    reason: true,
    slow: false,
    usage: 'continue <operation-id> [--reason "…"]',
    description: "apply the rest of a staged bulk change that is waiting after its canary or a pause",
  },
  abort: {
    args: "operation",
    role: "approver",
    doing: "abort a paused bulk change",
    reason: true,
    slow: false,
    usage: 'abort <operation-id> [--reason "…"]',
    description: "stop a paused bulk change: what was applied stays, the rest is not applied",
  },
  approve: {
    args: "approval",
    role: "approver",
    doing: "approve requests",
    reason: true,
    slow: false,
    usage: 'approve <approval-id> [--reason "…"]',
    description: "approve a pending request",
    decides: "approved",
  },
  reject: {
    args: "approval",
    role: "approver",
    doing: "reject requests",
    reason: true,
    slow: false,
    usage: 'reject <approval-id> [--reason "…"]',
    description: "reject a pending request",
    decides: "rejected",
  },
  link: {
    args: "none",
    role: null,
    doing: "link your chat account to your Entra account",
    reason: false,
    slow: false,
    usage: "link",
    description:
      "a one-time sign-in link (only you see it): sign in to Microsoft Entra and your chat account is linked to that account",
  },
  unlink: {
    args: "none",
    role: null,
    doing: "unlink your chat account",
    reason: false,
    slow: false,
    usage: "unlink",
    description: "remove the link between your chat account and your Entra account",
  },
  links: {
    args: "none",
    role: "admin",
    doing: "list linked chat accounts",
    reason: false,
    slow: false,
    usage: "links",
    description:
      "every chat account linked to an Entra account by signing in, and whether the link still counts",
  },
  help: {
    args: "topic",
    role: null,
    doing: "read the help",
    reason: false,
    slow: false,
    usage: "help [command]",
    description: "this overview, or one command's usage",
  },
} as const satisfies Record<string, VerbSpec>;

export type Verb = keyof typeof VERBS;

export function isVerb(text: string): text is Verb {
  return Object.hasOwn(VERBS, text);
}

/** Every verb, in help order. */
export const VERB_NAMES: readonly Verb[] = Object.keys(VERBS).filter(isVerb);

/** The verbs whose arguments are read as `K`. */
export type VerbTaking<K extends ArgumentKind> = {
  [V in Verb]: (typeof VERBS)[V]["args"] extends K ? V : never;
}[Verb];

export function verbsTaking<K extends ArgumentKind>(kind: K): VerbTaking<K>[] {
  return VERB_NAMES.filter((verb): verb is VerbTaking<K> => VERBS[verb].args === kind);
}

/** Approve and reject: they decide on a request and are queued as decision jobs, not requests. */
export type DecisionVerb = VerbTaking<"approval">;
/** What a decision makes of a pending request: approved or rejected. */
export type Decision = (typeof VERBS)[DecisionVerb]["decides"];
/** Everything else is a request the worker answers or turns into an operation. */
export type RequestVerb = Exclude<Verb, DecisionVerb>;

/** A verb's row, for code that holds a verb of unknown kind. */
export function verbSpec(verb: Verb): VerbSpec {
  return VERBS[verb];
}

/** How a verb is typed: `bulk enable` for `bulk-enable`. */
export function wordsOf(verb: Verb): string {
  return verbSpec(verb).words ?? verb;
}

/** A value for every verb, in table order (help, permission tables, usage). */
export function forEachVerb<T>(value: (verb: Verb) => T): Readonly<Record<Verb, T>> {
  const table: Partial<Record<Verb, T>> = {};
  for (const verb of VERB_NAMES) table[verb] = value(verb);
  // Filled for every name in VERB_NAMES, which are all of Verb.
  return table as Record<Verb, T>;
}

const ANSWERING = new Map<ApprovableAction, Verb>();
for (const action of APPROVABLE_ACTIONS) {
  const verb = VERB_NAMES.find((v) => verbSpec(v).approval === action);
  // A policy entry no verb answers to could never be granted or refused sensibly.
  if (verb === undefined) throw new Error(`no verb answers to the approval policy entry "${action}"`);
  ANSWERING.set(action, verb);
}

/** The verb that answers to a policy file `requireApproval` entry (`bulk-enable` for `bulk`). */
export function verbAnsweringTo(action: ApprovableAction): Verb {
  return ANSWERING.get(action)!;
}
