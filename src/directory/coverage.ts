import type { ConditionalAccessPolicy, CoverageGap, MfaCoverage } from "./port.js";

/**
 * Whether Conditional Access (or security defaults) requires MFA of one user — pure, so
 * every rule is tested without Graph. A policy counts only when it is on, applies to
 * the user, to all applications, with no narrowing condition, and its grant cannot be
 * met without MFA. Everything that looks relevant but does not count is noted. Where the
 * bot cannot tell (roles it could not read, a guest condition it cannot evaluate), the
 * answer is "not covered": a false "covered" would let `disable` and `convert` leave an
 * account with no MFA at all.
 */

/** Whether the user is one of the tenant's own members, or a guest or external user. */
export type UserKind = "member" | "guestOrExternal";

export interface CoverageSubject {
  id: string;
  /** Transitive group ids; needed only when a policy includes or excludes groups. */
  groupIds: readonly string[];
  /** Directory role template ids; undefined when they were not (or could not be) read. */
  roleIds?: readonly string[];
  /** Why the roles are unknown, for the note (e.g. a permission the app lacks). */
  rolesUnknownBecause?: string;
  /** Undefined when not read: a policy's guest condition then cannot be evaluated. */
  kind?: UserKind;
}

const SECURITY_DEFAULTS = "security defaults";
const REPORT_ONLY = "enabledForReportingButNotEnforced";

type GrantVerdict = "mfa" | "alternative" | "none";
type Strength = NonNullable<NonNullable<ConditionalAccessPolicy["grantControls"]>["authenticationStrength"]>;

/** Methods that sign a user in on their own, without a second factor. */
const SINGLE_FACTORS = new Set([
  "password",
  "sms",
  "email",
  "federatedsinglefactor",
  "x509certificatesinglefactor",
]);

/**
 * An authentication strength satisfies MFA when none of its allowed combinations is a
 * single factor on its own; one that also accepts, say, a password alone is "mixed".
 * A strength whose combinations Graph did not expand is taken to require MFA.
 */
function strengthKind(strength: Strength): "mfa" | "mixed" | "single" {
  const combinations = strength.allowedCombinations ?? [];
  const single = combinations.filter((combination) => SINGLE_FACTORS.has(combination.trim().toLowerCase()));
  if (single.length === 0) return "mfa";
  return single.length === combinations.length ? "single" : "mixed";
}

/** MFA is required when every way to satisfy the grant includes MFA. */
function grantVerdict(grant: ConditionalAccessPolicy["grantControls"]): GrantVerdict {
  if (!grant) return "none";
  const controls = (grant.builtInControls ?? []).map((control) => control.toLowerCase());
  const strength = grant.authenticationStrength ? strengthKind(grant.authenticationStrength) : undefined;
  if ((grant.operator ?? "OR").toUpperCase() === "AND") {
    if (controls.includes("mfa") || strength === "mfa") return "mfa";
    return strength === "mixed" ? "alternative" : "none";
  }
  const ways = [
    ...controls.map((control) => (control === "mfa" ? "mfa" : "other")),
    ...(strength === undefined ? [] : [strength === "single" ? "other" : strength]),
  ];
  if (!ways.includes("mfa") && !ways.includes("mixed")) return "none";
  return ways.every((way) => way === "mfa") ? "mfa" : "alternative";
}

function intersects(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b || a.length === 0 || b.length === 0) return false;
  const set = new Set(b);
  return a.some((value) => set.has(value));
}

function hasAll(values: readonly string[] | undefined): boolean {
  return (values ?? []).some((value) => value.toLowerCase() === "all");
}

function nonEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "string") return value !== "" && value.toLowerCase() !== "none";
  return true;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}

/** Conditions that leave some sign-ins of the user outside the policy. */
function narrowingConditions(conditions: ConditionalAccessPolicy["conditions"]): string[] {
  const found: string[] = [];
  const platforms = asRecord(conditions.platforms);
  if (platforms) {
    const include = platforms.includePlatforms as string[] | undefined;
    if (!hasAll(include) || nonEmpty(platforms.excludePlatforms)) found.push("platforms");
  }
  const locations = asRecord(conditions.locations);
  if (locations) {
    const include = locations.includeLocations as string[] | undefined;
    if (!hasAll(include) || nonEmpty(locations.excludeLocations)) found.push("locations");
  }
  const clientAppTypes = conditions.clientAppTypes;
  if (Array.isArray(clientAppTypes) && clientAppTypes.length > 0 && !hasAll(clientAppTypes as string[])) {
    found.push("client app types");
  }
  for (const [key, label] of [
    ["userRiskLevels", "user risk"],
    ["signInRiskLevels", "sign-in risk"],
    ["insiderRiskLevels", "insider risk"],
    ["devices", "device filter"],
    ["authenticationFlows", "authentication flows"],
  ] as const) {
    if (nonEmpty(conditions[key])) found.push(label);
  }
  return found;
}

/** `GuestsOrExternalUsers`: the special value `includeUsers`/`excludeUsers` may hold. */
function namesGuests(values: readonly string[] | undefined): boolean {
  return (values ?? []).some((value) => value.toLowerCase() === "guestsorexternalusers");
}

type Users = NonNullable<ConditionalAccessPolicy["conditions"]["users"]>;

function hasGuestCondition(users: Users, side: "include" | "exclude"): boolean {
  return side === "include"
    ? nonEmpty(users.includeGuestsOrExternalUsers) || namesGuests(users.includeUsers)
    : nonEmpty(users.excludeGuestsOrExternalUsers) || namesGuests(users.excludeUsers);
}

/**
 * Whether the policy's guest condition on `side` applies to the user: `no` for the
 * tenant's own members (no guest or external type fits them), `yes` for a guest or
 * external user under the catch-all `GuestsOrExternalUsers`, `unknown` otherwise — which
 * types and which home tenants a guest has is not something the bot can read
 * (https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-users-groups#external-users).
 */
function guestConditionApplies(users: Users, side: "include" | "exclude", kind: UserKind | undefined) {
  if (!hasGuestCondition(users, side)) return "no" as const;
  if (kind === "member") return "no" as const;
  if (kind === undefined) return "unknown" as const;
  const catchAll = namesGuests(side === "include" ? users.includeUsers : users.excludeUsers);
  return catchAll ? ("yes" as const) : ("unknown" as const);
}

const SECURITY_DEFAULTS_NOTE =
  "security defaults only prompt for MFA when necessary (registration, administrators, risky sign-ins), not at every sign-in as per-user MFA does";

export function evaluateMfaCoverage(
  policies: readonly ConditionalAccessPolicy[],
  securityDefaultsEnabled: boolean,
  user: CoverageSubject,
): MfaCoverage {
  const by: string[] = [];
  const notes: string[] = [];
  const gaps = new Set<CoverageGap>();
  for (const policy of policies) {
    const name = `"${policy.displayName}"`;
    if (policy.state !== "enabled" && policy.state !== REPORT_ONLY) continue;
    const users = policy.conditions.users ?? {};
    const guestIncluded = guestConditionApplies(users, "include", user.kind);
    const included =
      hasAll(users.includeUsers) ||
      (users.includeUsers ?? []).includes(user.id) ||
      intersects(users.includeGroups, user.groupIds) ||
      intersects(users.includeRoles, user.roleIds) ||
      guestIncluded === "yes";
    if (!included) {
      if (nonEmpty(users.includeRoles) && user.roleIds === undefined) {
        notes.push(`${name} applies to directory roles; role membership was not checked`);
      }
      if (guestIncluded === "unknown") {
        notes.push(`${name} applies to some guests or external users, which the bot cannot evaluate`);
        gaps.add("guestOrExternalUser");
      }
      continue;
    }
    const grant = grantVerdict(policy.grantControls);
    if (grant === "none") continue;
    if (grant === "alternative") {
      notes.push(
        `${name} can be satisfied without MFA (an OR alternative or a single-factor authentication strength)`,
      );
      continue;
    }
    if (policy.state === REPORT_ONLY) {
      notes.push(`${name} is report-only and does not enforce MFA`);
      continue;
    }
    if ((users.excludeUsers ?? []).includes(user.id) || intersects(users.excludeGroups, user.groupIds)) {
      notes.push(`excluded from ${name}`);
      continue;
    }
    if (intersects(users.excludeRoles, user.roleIds)) {
      notes.push(`excluded from ${name} by a directory role`);
      gaps.add("excludedByRole");
      continue;
    }
    if (nonEmpty(users.excludeRoles) && user.roleIds === undefined) {
      // The user may hold an excluded role: not covered until the roles can be read.
      const because = user.rolesUnknownBecause ? ` (${user.rolesUnknownBecause})` : "";
      notes.push(`${name} excludes directory roles and the user's roles could not be read${because}`);
      continue;
    }
    const guestExcluded = guestConditionApplies(users, "exclude", user.kind);
    if (guestExcluded === "yes") {
      notes.push(`excluded from ${name} as a guest or external user`);
      gaps.add("guestOrExternalUser");
      continue;
    }
    if (guestExcluded === "unknown") {
      notes.push(
        `${name} excludes some guests or external users, which the bot cannot evaluate for this user`,
      );
      gaps.add("guestOrExternalUser");
      continue;
    }
    const applications = policy.conditions.applications ?? {};
    if (!hasAll(applications.includeApplications)) {
      notes.push(`${name} covers only some applications`);
      continue;
    }
    const narrowedBy = nonEmpty(applications.excludeApplications)
      ? ["excluded applications", ...narrowingConditions(policy.conditions)]
      : narrowingConditions(policy.conditions);
    if (narrowedBy.length > 0) {
      notes.push(`${name} is narrowed by ${narrowedBy.join(", ")}`);
      continue;
    }
    by.push(policy.displayName);
  }
  if (by.length > 0) return { covered: true, kind: "conditionalAccess", by, notes, gaps: [] };
  // Security defaults are their own kind of coverage, never counted as a policy.
  if (securityDefaultsEnabled) {
    return {
      covered: false,
      kind: "securityDefaults",
      by: [SECURITY_DEFAULTS],
      notes: [SECURITY_DEFAULTS_NOTE, ...notes],
      gaps: [...gaps],
    };
  }
  return { covered: false, kind: "none", by, notes, gaps: [...gaps] };
}

function enabledUsers(policies: readonly ConditionalAccessPolicy[]): Users[] {
  return policies.filter((policy) => policy.state === "enabled").map((p) => p.conditions.users ?? {});
}

/** Whether evaluating needs the user's groups (memberOf is a Graph call worth skipping). */
export function needsGroupMembership(policies: readonly ConditionalAccessPolicy[]): boolean {
  return enabledUsers(policies).some(
    (users) => nonEmpty(users.includeGroups) || nonEmpty(users.excludeGroups),
  );
}

/** Whether evaluating needs the user's directory roles: only when an enforcing policy names roles. */
export function needsRoleMembership(policies: readonly ConditionalAccessPolicy[]): boolean {
  return enabledUsers(policies).some((users) => nonEmpty(users.includeRoles) || nonEmpty(users.excludeRoles));
}

/** Whether evaluating needs to know if the user is a guest or external user. */
export function needsUserKind(policies: readonly ConditionalAccessPolicy[]): boolean {
  return enabledUsers(policies).some(
    (users) => hasGuestCondition(users, "include") || hasGuestCondition(users, "exclude"),
  );
}
