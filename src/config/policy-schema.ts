import * as z from "zod";
import { checkAddress, groupIdOf, groupRef, isGuid } from "../core/ids.js";
import { LINK_REQUIREMENTS } from "../core/linked-identity.js";
import { MAX_QUORUM } from "../core/quorum.js";
import { APPROVABLE_ACTIONS, ROLES } from "../core/roles.js";

/**
 * The policy file (README, "Running it for real"; policy.example.json). Objects are strict: an unknown key is an error, because
 * a misspelt key ("requireAprooval") would otherwise silently fall back to a default
 * and weaken the policy. Messages are the predicate only; policy.ts adds the field and value.
 */

/**
 * Addresses are stored as their key (src/core/ids.ts, checkAddress), group and object ids
 * lower-cased. An address Entra could not hold, or one that changes under Unicode
 * normalisation, is refused with the reason rather than folded into another account's name;
 * text that is no address at all keeps the entry's own message.
 */
function entry(error: string, accept: (value: string) => string | undefined) {
  return z.string({ error }).transform((raw, ctx) => {
    const value = raw.trim();
    const other = accept(value);
    if (other !== undefined) return other;
    const checked = checkAddress(value);
    if (checked.ok) return checked.key;
    const message = checked.kind === "shape" ? error : `is refused: it ${checked.problem}`;
    ctx.addIssue({ code: "custom", message });
    return z.NEVER;
  });
}

const roleEntry = entry("is not a UPN or group:<object-id>", (v) => {
  const group = groupIdOf(v);
  return group === undefined ? undefined : groupRef(group);
});
/** Protected accounts are named by UPN, mail or proxy address, or by object id. */
const protectedEntry = entry("is not a UPN", (v) => (isGuid(v) ? v.toLowerCase() : undefined));

const unique = <T>(values: T[]): T[] => [...new Set(values)];

function list<T extends z.ZodType<string>>(item: T) {
  return z.array(item, { error: "must be a list" }).transform(unique);
}

function integerIn(min: number, max: number, error = `must be an integer ${min}-${max}`) {
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

export const DEFAULT_REQUIRE_APPROVAL = ["bulk", "disable", "reregister", "convert", "undo"] as const;
export const DEFAULT_SCHEDULE_DAYS = [0, 1, 3, 7] as const;

export const rolesSchema = z
  .strictObject(
    {
      helpdesk: list(roleEntry).default([]),
      admin: list(roleEntry).default([]),
      approver: list(roleEntry).default([]),
    },
    { error: "must be an object with helpdesk, admin and/or approver lists" },
  )
  .refine((roles) => ROLES.some((role) => roles[role].length > 0), {
    error: "must name at least one user or group",
  });

export const remindersSchema = z.strictObject(
  {
    scheduleDays: z
      .array(integerIn(0, 365), { error: "must be a list of days" })
      .refine((days) => days.every((day, i) => i === 0 || day > days[i - 1]!), {
        error: "must be in increasing order, without repeats",
      })
      .default([...DEFAULT_SCHEDULE_DAYS]),
    escalateAfter: integerIn(1, Number.MAX_SAFE_INTEGER, "must be an integer of at least 1").default(4),
  },
  { error: "must be an object with scheduleDays and/or escalateAfter" },
);

/** Distinct approvers per approvable action, 1 to MAX_QUORUM; an action not named needs one. */
export const quorumSchema = z.strictObject(
  Object.fromEntries(
    APPROVABLE_ACTIONS.map((action) => [action, integerIn(1, MAX_QUORUM).optional()]),
  ) as Record<(typeof APPROVABLE_ACTIONS)[number], z.ZodOptional<ReturnType<typeof integerIn>>>,
  { error: `must be an object of ${APPROVABLE_ACTIONS.join(", ")} → number of approvers` },
);

/** Staged bulks: bulks of at least minBulk users apply `size` first; any bulk pauses past maxFailureRate. */
export const canarySchema = z.strictObject(
  {
    minBulk: integerIn(1, 100000),
    size: integerIn(1, 100000),
    maxFailureRate: z
      .number({ error: "must be a number from 0 to 1" })
      .min(0, { error: "must be a number from 0 to 1" })
      .max(1, { error: "must be a number from 0 to 1" }),
  },
  { error: "must be an object with minBulk, size and maxFailureRate" },
);

/** The periodic sweep for states changed outside the bot; absent: off. */
export const driftSweepSchema = z.strictObject(
  { everyMinutes: integerIn(1, 10080) },
  { error: "must be an object with everyMinutes" },
);

const conversationId = z
  .string({ error: "must be a conversation id" })
  .trim()
  .min(1, { error: "must be a conversation id" })
  .max(256, { error: "must be a conversation id" });

/** Where alerts go: a Slack channel id and/or a Teams conversation id (the bot must be in it). */
export const alertsSchema = z.strictObject(
  { slackChannel: conversationId.optional(), teamsConversation: conversationId.optional() },
  { error: "must be an object with slackChannel and/or teamsConversation" },
);

export const policySchema = z.strictObject(
  {
    roles: rolesSchema,
    requireApproval: list(
      z.enum(APPROVABLE_ACTIONS, { error: `is not one of ${APPROVABLE_ACTIONS.join(", ")}` }),
    ).default([...DEFAULT_REQUIRE_APPROVAL]),
    protected: list(protectedEntry).default([]),
    approvalTtlMinutes: integerIn(1, 43200).default(1440),
    maxBulk: integerIn(1, 100000).default(5000),
    // prefault, not default: an absent "reminders" is parsed as {} so its own defaults apply.
    reminders: remindersSchema.prefault({}),
    // Roles that act from a chat account only once it is linked to Entra by signing in; none by default.
    quorum: quorumSchema.default({}),
    canary: canarySchema.optional(),
    driftSweep: driftSweepSchema.optional(),
    alerts: alertsSchema.optional(),
    requireLinkedIdentity: list(
      z.enum(LINK_REQUIREMENTS, { error: `is not one of ${LINK_REQUIREMENTS.join(", ")}` }),
    ).default([]),
  },
  { error: "must be a JSON object" },
);

/** Keys each strict object knows, for "did you mean" on an unknown one. */
export const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  "": Object.keys(policySchema.shape),
  roles: [...ROLES],
  reminders: Object.keys(remindersSchema.shape),
  quorum: [...APPROVABLE_ACTIONS],
  canary: Object.keys(canarySchema.shape),
  driftSweep: Object.keys(driftSweepSchema.shape),
  alerts: Object.keys(alertsSchema.shape),
};
