import type { ConditionalAccessPolicy, MfaCoverage } from "./port.js";

/**
 * Whether Conditional Access (or security defaults) requires MFA of one user — pure, so
 * every rule is tested without Graph. A policy counts only when it is on, applies to
 * the user, to all applications, with no narrowing condition, and its grant cannot be
 * met without MFA. Everything that looks relevant but does not count is noted.
 */

export interface CoverageSubject {
  id: string;
  /** Transitive group ids; needed only when a policy includes or excludes groups. */
  groupIds: readonly string[];
  /** Directory role template ids, when known. */
  roleIds?: readonly string[];
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

export function evaluateMfaCoverage(
  policies: readonly ConditionalAccessPolicy[],
  securityDefaultsEnabled: boolean,
  user: CoverageSubject,
): MfaCoverage {
  if (securityDefaultsEnabled) return { covered: true, by: [SECURITY_DEFAULTS], notes: [] };
  const by: string[] = [];
  const notes: string[] = [];
  for (const policy of policies) {
    const name = `"${policy.displayName}"`;
    if (policy.state !== "enabled" && policy.state !== REPORT_ONLY) continue;
    const users = policy.conditions.users ?? {};
    const included =
      hasAll(users.includeUsers) ||
      (users.includeUsers ?? []).includes(user.id) ||
      intersects(users.includeGroups, user.groupIds) ||
      intersects(users.includeRoles, user.roleIds);
    if (!included) {
      if (nonEmpty(users.includeRoles) && user.roleIds === undefined) {
        notes.push(`${name} applies to directory roles; role membership was not checked`);
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
    const excluded =
      (users.excludeUsers ?? []).includes(user.id) ||
      intersects(users.excludeGroups, user.groupIds) ||
      intersects(users.excludeRoles, user.roleIds);
    if (excluded) {
      notes.push(`excluded from ${name}`);
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
  return { covered: by.length > 0, by, notes };
}

/** Whether evaluating needs the user's groups (memberOf is a Graph call worth skipping). */
export function needsGroupMembership(policies: readonly ConditionalAccessPolicy[]): boolean {
  return policies.some(
    (policy) =>
      policy.state === "enabled" &&
      (nonEmpty(policy.conditions.users?.includeGroups) || nonEmpty(policy.conditions.users?.excludeGroups)),
  );
}
