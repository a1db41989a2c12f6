import { readFile } from "node:fs/promises";
import type * as z from "zod";
import type { LinkRequirement } from "../core/linked-identity.js";
import type { ApprovableAction, Role } from "../core/roles.js";
import { duplicateKeys } from "./json-duplicates.js";
import { KNOWN_KEYS, policySchema } from "./policy-schema.js";
import { closestKey, quoteValue } from "./problem-text.js";
import { PolicyError } from "./startup-error.js";

export { DEFAULT_REQUIRE_APPROVAL, DEFAULT_SCHEDULE_DAYS } from "./policy-schema.js";

/** The validated policy file, defaults applied, addresses and ids in canonical form, frozen. */
export interface Policy {
  /** Each entry an address key (src/core/ids.ts, checkAddress) or `group:<object-id>`, lower-cased. */
  readonly roles: Readonly<Record<Role, readonly string[]>>;
  readonly requireApproval: readonly ApprovableAction[];
  /**
   * Accounts no command ever changes: address keys (matched against a user's UPN, mail and SMTP
   * proxy addresses) and lower-cased object ids (src/config/roles.ts, isProtected).
   */
  readonly protected: readonly string[];
  readonly approvalTtlMinutes: number;
  readonly maxBulk: number;
  readonly reminders: {
    /** Days after enabling on which a reminder goes out, increasing. */
    readonly scheduleDays: readonly number[];
    /** Unanswered reminders after which the user is listed to the channel. */
    readonly escalateAfter: number;
  };
  /**
   * Roles (`approve` = approver, `admin`, `helpdesk`) that act from Slack only through an account
   * linked to its Entra user by signing in (`link`); empty: the chat profile's address is trusted.
   */
  readonly requireLinkedIdentity: readonly LinkRequirement[];
  /** Distinct approvers each approvable action needs (absent: one); the requester never counts. */
  readonly quorum: Readonly<Partial<Record<ApprovableAction, number>>>;
  /**
   * Staged bulks (absent: off). A bulk changing at least `minBulk` users applies `size` of them,
   * then waits for an approver's Continue; any bulk pauses when the share of failed users over
   * the last few writes passes `maxFailureRate` (0..1).
   */
  readonly canary?: { readonly minBulk: number; readonly size: number; readonly maxFailureRate: number };
  /** How often the drift sweep runs (absent: never); its findings go to `alerts`. */
  readonly driftSweep?: { readonly everyMinutes: number };
  /** Where alerts (states changed outside the bot) are posted. */
  readonly alerts?: { readonly slackChannel?: string; readonly teamsConversation?: string };
}

/** Reads and validates the policy file; every failure is a one-line PolicyError. */
export async function loadPolicy(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new PolicyError(path, [readProblem(err)]);
  }
  const body = text.replace(/^\uFEFF/, "");
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new PolicyError(path, [`not valid JSON (${(err as Error).message})`]);
  }
  // JSON.parse keeps the last of two equal keys: a second "protected": [] would empty the list.
  const duplicates = duplicateKeys(body);
  if (duplicates.length > 0) {
    throw new PolicyError(
      path,
      duplicates.map((key) => `key "${fieldName(key)}" appears more than once (remove all but one)`),
    );
  }
  return parsePolicy(json, path);
}

function readProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "not found (set MFA_BOT_POLICY, or start from policy.example.json)";
  if (code === "EISDIR") return "is a directory, not a file";
  if (code === "EACCES" || code === "EPERM") return "cannot be read (permission denied)";
  return `cannot be read (${code ?? (err as Error).message})`;
}

/** Validates already-parsed JSON; `path` only names the file in messages. */
export function parsePolicy(json: unknown, path: string): Policy {
  const result = policySchema.safeParse(json);
  if (!result.success)
    throw new PolicyError(
      path,
      result.error.issues.flatMap((i) => describeIssue(i, json)),
    );
  // A sweep with nowhere to post would find drift and tell no one.
  const { driftSweep, alerts } = result.data;
  if (driftSweep && !alerts?.slackChannel && !alerts?.teamsConversation) {
    throw new PolicyError(path, [
      "driftSweep needs alerts.slackChannel and/or alerts.teamsConversation to post to",
    ]);
  }
  return deepFreeze(result.data);
}

function describeIssue(issue: z.core.$ZodIssue, json: unknown): string[] {
  if (issue.code === "unrecognized_keys") {
    const known = KNOWN_KEYS[issue.path.join(".")] ?? [];
    return issue.keys.map((key) => {
      const suggestion = closestKey(key, known);
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : "";
      return `unknown key "${fieldName([...issue.path, key])}"${hint}`;
    });
  }
  if (issue.path.length === 0) return [`the file ${issue.message}`];
  const field = fieldName(issue.path);
  const value = valueAt(json, issue.path);
  if (value === undefined) return [`${field} is missing`];
  const shown =
    value !== null && typeof value === "object" && !Array.isArray(value) ? "" : ` ${quoteValue(value)}`;
  return [`${field}${shown} ${issue.message}`];
}

/** `reminders.scheduleDays[2]`, as a person would write it. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, key) => {
    if (typeof key === "number") return `${name}[${key}]`;
    return name === "" ? String(key) : `${name}.${String(key)}`;
  }, "");
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
