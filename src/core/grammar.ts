/**
 * The one command grammar for every adapter (Slack, Teams, console): text in, a typed Command
 * or an error the user can act on out. Pure, and never throws, whatever the text. Which verbs
 * exist and how each one's arguments are read come from the verb table (verbs.ts).
 */
import {
  type Command,
  type CommandOf,
  convertModeSchema,
  MAX_BULK_TARGETS,
  MAX_CANARY,
  type ParseResult,
  type TargetRef,
} from "./command.js";
import { isDurationUnit, parseDuration } from "./grammar/duration.js";
import { Failure, quoted } from "./grammar/failure.js";
import { splitReason } from "./grammar/reason.js";
import { isUserTarget, parseTarget, parseUser, readTarget, uniqueTargets } from "./grammar/targets.js";
import { tokenize } from "./grammar/tokens.js";
import { HELP_SUMMARY, helpTopic, USAGE } from "./grammar/usage.js";
import { normalizeOperationId } from "./ids.js";
import {
  type ArgumentKind,
  VERB_NAMES,
  VERBS,
  type Verb,
  type VerbTaking,
  verbSpec,
  wordsOf,
} from "./verbs.js";

export { MAX_BULK_TARGETS } from "./command.js";
export { MAX_DISABLE_MINUTES } from "./grammar/duration.js";
export { MAX_REASON_LENGTH } from "./grammar/reason.js";
export { describeTarget } from "./grammar/targets.js";
export { HELP_SUMMARY, HELP_TEXT, helpText, USAGE } from "./grammar/usage.js";
export {
  isOperationId,
  normalizeOperationId,
  OPERATION_ID_ALPHABET,
  OPERATION_ID_LENGTH,
  OPERATION_ID_PATTERN,
} from "./ids.js";

export const MAX_COMMAND_LENGTH = 20_000;

export interface GrammarLimits {
  maxLength: number;
  maxBulkTargets: number;
}

const DEFAULT_LIMITS: GrammarLimits = { maxLength: MAX_COMMAND_LENGTH, maxBulkTargets: MAX_BULK_TARGETS };

// Teams users type `mfa status x`; people used to Slack type `/mfa` in the console.
const PREFIX = /^\s*\/?mfa(?=\s|$)/i;
// Zero-width characters arrive from copy and paste and would otherwise split or spoil words.
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g;
const FIRST_WORD = /^(\S+)\s*([\s\S]*)$/u;

/** Parses one command line. `limits` exists for tests; adapters use the defaults. */
export function parseCommand(text: string, limits: Partial<GrammarLimits> = {}): ParseResult {
  try {
    return parse(text, { ...DEFAULT_LIMITS, ...limits });
  } catch {
    // A bug here must reach the user as an answer, not crash an adapter's listener.
    return { ok: false, error: "could not read that command", usage: HELP_SUMMARY };
  }
}

function parse(text: string, limits: GrammarLimits): ParseResult {
  if (typeof text !== "string") return { ok: false, error: "the command must be text", usage: HELP_SUMMARY };
  if (text.length > limits.maxLength) return { ok: false, error: "command is too long", usage: HELP_SUMMARY };
  const body = text.replace(INVISIBLE, "").replace(PREFIX, "").trim();
  if (body === "") return { ok: true, command: { verb: "help" } };
  const [, word, rest] = FIRST_WORD.exec(body)!;
  const verb = verbOf(word!, rest!);
  if (verb instanceof Failure) return { ok: false, error: verb.error, usage: HELP_SUMMARY };
  const command = parseArguments(verb.verb, verb.rest, limits);
  if (command instanceof Failure) return { ok: false, error: command.error, usage: USAGE[verb.verb] };
  return { ok: true, command };
}

/** The verb a line starts with: its name (`bulk-enable`) or its words (`bulk enable`). */
function verbOf(word: string, rest: string): { verb: Verb; rest: string } | Failure {
  const lower = word.toLowerCase();
  for (const verb of VERB_NAMES) {
    const [first, ...more] = wordsOf(verb).split(" ");
    if (lower === verb) return { verb, rest };
    if (lower !== first || more.length === 0) continue;
    let remaining = rest;
    for (const expected of more) {
      const next = FIRST_WORD.exec(remaining);
      if (!next || next[1]!.toLowerCase() !== expected) {
        return new Failure(`"${first}" must be followed by "${more.join(" ")}"`);
      }
      remaining = next[2]!;
    }
    return { verb, rest: remaining };
  }
  if (readTarget(word) !== undefined) return new Failure("start with a command, e.g. status, then the user");
  return new Failure(`unknown command ${quoted(word)}`);
}

function parseArguments(verb: Verb, text: string, limits: GrammarLimits): Command | Failure {
  const split = splitReason(text);
  if (split instanceof Failure) return split;
  const { reason } = split;
  const refusesReason = new Failure(`"${verb}" does not take a reason`);
  if (reason !== undefined && !VERBS[verb].reason) return refusesReason;
  const command = readArguments(VERBS[verb].args, verb, tokenize(split.args), limits);
  if (command instanceof Failure || reason === undefined) return command;
  if (!takesReason(command)) return refusesReason;
  return { ...command, reason };
}

function isTaking<K extends ArgumentKind>(verb: Verb, kind: K): verb is VerbTaking<K> {
  return VERBS[verb].args === kind;
}

function readArguments<K extends ArgumentKind>(
  kind: K,
  verb: Verb,
  tokens: string[],
  limits: GrammarLimits,
): Command | Failure {
  if (!isTaking(verb, kind)) return new Failure(`"${verb}" is not read as ${kind}`);
  return READERS[kind](verb, tokens, limits);
}

type ReasonVerb = { [V in Verb]: (typeof VERBS)[V]["reason"] extends true ? V : never }[Verb];

function takesReason(command: Command): command is CommandOf<ReasonVerb> {
  return VERBS[command.verb].reason;
}

type Reader<K extends ArgumentKind> = (
  verb: VerbTaking<K>,
  tokens: string[],
  limits: GrammarLimits,
) => CommandOf<VerbTaking<K>> | Failure;

/** How each kind of argument is read; a new kind is a compile error until it has a reader. */
const READERS: { [K in ArgumentKind]: Reader<K> } = {
  user: singleUser,
  targets: (verb, tokens, limits) => {
    const canary = takeCanary(verb, tokens);
    if (canary instanceof Failure) return canary;
    const targets = manyTargets(verb, canary.rest, limits);
    if (targets instanceof Failure) return targets;
    return canary.size === undefined ? { verb, targets } : { verb, targets, canary: canary.size };
  },
  none: (verb, tokens) =>
    tokens.length === 0 ? { verb } : new Failure(`"${verb}" takes no arguments, not ${quoted(tokens[0]!)}`),
  convertMode: (verb, tokens) => {
    const mode = convertModeSchema.safeParse(tokens.length === 1 ? tokens[0]!.toLowerCase() : "");
    if (mode.success) return { verb, mode: mode.data };
    return new Failure(`"${verb}" needs ${convertModeSchema.options.map((m) => `"${m}"`).join(" or ")}`);
  },
  auditSubject: auditSubject,
  operation: (verb, tokens) => {
    const id = operationId(verb, "operation", tokens);
    return id instanceof Failure ? id : { verb, operationId: id };
  },
  approval: (verb, tokens) => {
    const id = operationId(verb, "approval", tokens);
    return id instanceof Failure ? id : { verb, approvalId: id };
  },
  topic: (verb, tokens) => {
    if (tokens.length === 0) return { verb };
    const topic = helpTopic(tokens);
    if (topic === undefined) return new Failure(`no help on ${quoted(tokens.join(" "))}`);
    return { verb, topic };
  },
};

function singleUser(verb: VerbTaking<"user">, tokens: string[]): CommandOf<VerbTaking<"user">> | Failure {
  let forMinutes: number | undefined;
  let rest = tokens;
  const forAt = tokens.findIndex((token) => token.toLowerCase() === "for");
  if (forAt !== -1) {
    const timed = VERB_NAMES.filter((v) => "duration" in VERBS[v] && VERBS[v].duration);
    if (!timed.includes(verb)) {
      return new Failure(`only ${timed.map((v) => `"${v}"`).join(", ")} takes "for" and a duration`);
    }
    const after = tokens.slice(forAt + 1);
    if (after.length === 0) return new Failure('"for" needs a duration such as 30m, 4h or 2d');
    // `for 4 hours` as well as `for 4h`.
    const used = /^\d+$/.test(after[0]!) && after.length > 1 && isDurationUnit(after[1]!) ? 2 : 1;
    const minutes = parseDuration(after.slice(0, used).join(" "));
    if (minutes instanceof Failure) return minutes;
    forMinutes = minutes;
    rest = [...tokens.slice(0, forAt), ...after.slice(used)];
    if (rest.some((token) => token.toLowerCase() === "for")) return new Failure('give "for" only once');
  }
  const users: TargetRef[] = [];
  for (const token of rest) {
    const user = parseUser(token, verb);
    if (user instanceof Failure) return user;
    users.push(user);
  }
  if (users.length !== 1) {
    const got = users.length === 0 ? "" : `, not ${users.length}`;
    return new Failure(`"${verb}" needs exactly one user${got}`);
  }
  const command = { verb, target: users[0]! };
  return forMinutes === undefined ? command : { ...command, forMinutes };
}

/** `--canary <n>` among a bulk's targets: n users first, the rest after Continue. */
function takeCanary(verb: Verb, tokens: string[]): { rest: string[]; size?: number } | Failure {
  const at = tokens.findIndex((token) => token.toLowerCase() === "--canary");
  if (at === -1) return { rest: tokens };
  if (!verbSpec(verb).canary) return new Failure(`"${wordsOf(verb)}" does not take --canary`);
  const value = tokens[at + 1];
  const size = value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(size) || size < 1 || size > MAX_CANARY) {
    return new Failure(`"--canary" needs a number of users from 1 to ${MAX_CANARY}, such as --canary 20`);
  }
  const rest = [...tokens.slice(0, at), ...tokens.slice(at + 2)];
  if (rest.some((token) => token.toLowerCase() === "--canary"))
    return new Failure('give "--canary" only once');
  return { rest, size };
}

function manyTargets(verb: Verb, tokens: string[], limits: GrammarLimits): TargetRef[] | Failure {
  const words = wordsOf(verb);
  if (tokens.length === 0) return new Failure(`"${words}" needs at least one user or group`);
  if (tokens.length > limits.maxBulkTargets) {
    return new Failure(`"${words}" takes at most ${limits.maxBulkTargets} targets at once`);
  }
  const targets: TargetRef[] = [];
  for (const token of tokens) {
    const target = parseTarget(token);
    if (target instanceof Failure) return target;
    targets.push(target);
  }
  return uniqueTargets(targets);
}

function operationId(verb: Verb, kind: "operation" | "approval", tokens: string[]): string | Failure {
  if (tokens.length !== 1) return new Failure(`"${verb}" needs exactly one ${kind} id`);
  const id = normalizeOperationId(tokens[0]!);
  if (id === undefined) {
    return new Failure(`${quoted(tokens[0]!)} is not an ${kind} id (8 letters and digits, e.g. k3m9p2xq)`);
  }
  return id;
}

function auditSubject(
  verb: VerbTaking<"auditSubject">,
  tokens: string[],
): CommandOf<VerbTaking<"auditSubject">> | Failure {
  if (tokens.length !== 1) return new Failure(`"${verb}" needs exactly one user or operation id`);
  const token = tokens[0]!;
  const id = normalizeOperationId(token);
  if (id !== undefined) return { verb, subject: { kind: "operation", id } };
  const target = readTarget(token);
  if (target instanceof Failure) return target;
  if (target === undefined) return new Failure(`${quoted(token)} is neither a user nor an operation id`);
  if (!isUserTarget(target)) return new Failure(`"${verb}" takes a user or an operation id, not a group`);
  return { verb, subject: { kind: "user", target } };
}
