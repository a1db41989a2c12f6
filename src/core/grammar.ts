/**
 * The one command grammar for every adapter (Slack, Teams, console): text in, a typed Command
 * or an error the user can act on out. Pure, and never throws, whatever the text.
 */
import type { Command, ParseResult, SingleUserVerb, TargetRef, Verb } from "./command.js";
import { isDurationUnit, parseDuration } from "./grammar/duration.js";
import { Failure, quoted } from "./grammar/failure.js";
import { normalizeOperationId } from "./grammar/operation-id.js";
import { splitReason } from "./grammar/reason.js";
import { isUserTarget, parseTarget, parseUser, readTarget, uniqueTargets } from "./grammar/targets.js";
import { tokenize } from "./grammar/tokens.js";
import { HELP_SUMMARY, helpTopic, USAGE } from "./grammar/usage.js";

export { MAX_DISABLE_MINUTES } from "./grammar/duration.js";
export {
  isOperationId,
  normalizeOperationId,
  OPERATION_ID_ALPHABET,
  OPERATION_ID_LENGTH,
  OPERATION_ID_PATTERN,
} from "./grammar/operation-id.js";
export { MAX_REASON_LENGTH } from "./grammar/reason.js";
export { describeTarget } from "./grammar/targets.js";
export { HELP_SUMMARY, HELP_TEXT, helpText, USAGE } from "./grammar/usage.js";

export const MAX_COMMAND_LENGTH = 20_000;
/** A bound on parsing work only; the policy's maxBulk is enforced by the worker. */
export const MAX_BULK_TARGETS = 10_000;

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

/** The commands that may carry a reason (all but audit and help). */
type ReasonedCommand = Exclude<Command, { verb: "audit" | "help" }>;

const SINGLE_USER_VERBS: readonly string[] = [
  "status",
  "enable",
  "disable",
  "enforce",
  "reregister",
  "remind",
] satisfies readonly SingleUserVerb[];
const OTHER_VERBS: readonly string[] = [
  "report",
  "convert",
  "audit",
  "undo",
  "approve",
  "reject",
  "help",
] satisfies readonly Verb[];

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

function verbOf(word: string, rest: string): { verb: Verb; rest: string } | Failure {
  const lower = word.toLowerCase();
  if (SINGLE_USER_VERBS.includes(lower) || OTHER_VERBS.includes(lower)) return { verb: lower as Verb, rest };
  if (lower === "bulk-enable") return { verb: "bulk-enable", rest };
  if (lower === "bulk") {
    const next = FIRST_WORD.exec(rest);
    if (next && next[1]!.toLowerCase() === "enable") return { verb: "bulk-enable", rest: next[2]! };
    return new Failure('"bulk" must be followed by "enable"');
  }
  if (readTarget(word) !== undefined) return new Failure("start with a command, e.g. status, then the user");
  return new Failure(`unknown command ${quoted(word)}`);
}

function parseArguments(verb: Verb, text: string, limits: GrammarLimits): Command | Failure {
  const split = splitReason(text);
  if (split instanceof Failure) return split;
  const { reason } = split;
  const tokens = tokenize(split.args);
  if (verb === "audit" || verb === "help") {
    if (reason !== undefined) return new Failure(`"${verb}" does not take a reason`);
    return verb === "audit" ? audit(tokens) : help(tokens);
  }
  const command = parseVerb(verb, tokens, limits);
  if (command instanceof Failure || reason === undefined) return command;
  return { ...command, reason };
}

function parseVerb(
  verb: ReasonedCommand["verb"],
  tokens: string[],
  limits: GrammarLimits,
): ReasonedCommand | Failure {
  switch (verb) {
    case "bulk-enable":
      return bulkEnable(tokens, limits);
    case "report":
      return tokens.length === 0
        ? { verb }
        : new Failure(`"report" takes no arguments, not ${quoted(tokens[0]!)}`);
    case "convert": {
      const mode = tokens.length === 1 ? tokens[0]!.toLowerCase() : "";
      if (mode === "plan" || mode === "execute") return { verb, mode };
      return new Failure('"convert" needs "plan" or "execute"');
    }
    case "undo": {
      const id = operationId(verb, "operation", tokens);
      return id instanceof Failure ? id : { verb, operationId: id };
    }
    case "approve":
    case "reject": {
      const id = operationId(verb, "approval", tokens);
      return id instanceof Failure ? id : { verb, approvalId: id };
    }
    default:
      return singleUser(verb, tokens);
  }
}

function singleUser(verb: SingleUserVerb, tokens: string[]): ReasonedCommand | Failure {
  let forMinutes: number | undefined;
  let rest = tokens;
  const forAt = tokens.findIndex((token) => token.toLowerCase() === "for");
  if (forAt !== -1) {
    if (verb !== "disable") return new Failure('only "disable" takes "for" and a duration');
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
  const command: ReasonedCommand = { verb, target: users[0]! };
  return forMinutes === undefined ? command : { ...command, forMinutes };
}

function bulkEnable(tokens: string[], limits: GrammarLimits): ReasonedCommand | Failure {
  if (tokens.length === 0) return new Failure('"bulk enable" needs at least one user or group');
  if (tokens.length > limits.maxBulkTargets) {
    return new Failure(`"bulk enable" takes at most ${limits.maxBulkTargets} targets at once`);
  }
  const targets: TargetRef[] = [];
  for (const token of tokens) {
    const target = parseTarget(token);
    if (target instanceof Failure) return target;
    targets.push(target);
  }
  return { verb: "bulk-enable", targets: uniqueTargets(targets) };
}

function operationId(verb: Verb, kind: "operation" | "approval", tokens: string[]): string | Failure {
  if (tokens.length !== 1) return new Failure(`"${verb}" needs exactly one ${kind} id`);
  const id = normalizeOperationId(tokens[0]!);
  if (id === undefined) {
    return new Failure(`${quoted(tokens[0]!)} is not an ${kind} id (8 letters and digits, e.g. k3m9p2xq)`);
  }
  return id;
}

function audit(tokens: string[]): Command | Failure {
  if (tokens.length !== 1) return new Failure('"audit" needs exactly one user or operation id');
  const token = tokens[0]!;
  const id = normalizeOperationId(token);
  if (id !== undefined) return { verb: "audit", subject: { kind: "operation", id } };
  const target = readTarget(token);
  if (target instanceof Failure) return target;
  if (target === undefined) return new Failure(`${quoted(token)} is neither a user nor an operation id`);
  if (!isUserTarget(target)) return new Failure('"audit" takes a user or an operation id, not a group');
  return { verb: "audit", subject: { kind: "user", target } };
}

function help(tokens: string[]): Command | Failure {
  if (tokens.length === 0) return { verb: "help" };
  const topic = helpTopic(tokens);
  if (topic === undefined) return new Failure(`no help on ${quoted(tokens.join(" "))}`);
  return { verb: "help", topic };
}
