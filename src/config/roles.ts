import { addressKey, GROUP_PREFIX, groupRef, isGuid } from "../core/ids.js";
import { ROLES, type Role } from "../core/roles.js";
import type { Policy } from "./policy.js";

/**
 * Who holds which role under a policy, and who is protected. Pure: the caller supplies the
 * actor's group ids (Graph memberOf), and only needs to look them up when needsGroupLookup()
 * says so. Every comparison goes through one function, namesOf(), which compares addresses
 * as Entra does (src/core/ids.ts, checkAddress) and never folds one into another.
 */

/** An account as the directory knows it: every name it answers to. */
export interface AccountNames {
  /** The Entra object id. */
  id?: string;
  userPrincipalName: string;
  mail?: string | null;
  /** Graph's `proxyAddresses` (`SMTP:primary@…`, `smtp:alias@…`, `X500:…`, …). */
  proxyAddresses?: readonly string[] | null;
}

/** An address as a person or a platform gave it, or an account with all its names. */
export type Someone = string | AccountNames;

/** A user as a plan's view holds them (src/core/plan-types.ts), with every name they answer to. */
export function accountOfView(user: {
  id: string;
  upn: string;
  mail?: string | null | undefined;
  proxyAddresses?: readonly string[] | undefined;
}): AccountNames {
  return {
    id: user.id,
    userPrincipalName: user.upn,
    mail: user.mail ?? null,
    proxyAddresses: user.proxyAddresses ?? [],
  };
}

/**
 * `SMTP:` marks the primary address and `smtp:` the others; Graph's user page writes its example
 * with a space after the colon ("SMTP: bob@contoso.com"), so a space is allowed there too
 * (https://learn.microsoft.com/graph/api/resources/user — proxyAddresses). Other prefixes
 * (X500:, SIP:, …) are not mail addresses and name nobody here.
 */
const SMTP_PROXY = /^smtp:\s*(.+)$/i;

/** Every key someone answers to: address keys (checkAddress) and the lower-cased object id. */
export function namesOf(who: Someone): Set<string> {
  const names = new Set<string>();
  const add = (address: string | null | undefined) => {
    const key = address ? addressKey(address.trim()) : undefined;
    if (key) names.add(key);
  };
  if (typeof who === "string") {
    add(who);
    return names;
  }
  if (who.id && isGuid(who.id)) names.add(who.id.toLowerCase());
  add(who.userPrincipalName);
  add(who.mail);
  for (const proxy of who.proxyAddresses ?? []) add(SMTP_PROXY.exec(proxy)?.[1]);
  return names;
}

/** The actor's roles, in ROLES order; roles add up (README, "Commands"). */
export function rolesFor(policy: Policy, who: Someone, groupIds: readonly string[]): Role[] {
  const names = namesOf(who);
  const groups = new Set(groupIds.map((id) => groupRef(id.trim())));
  const matches = (entry: string) => (entry.startsWith(GROUP_PREFIX) ? groups.has(entry) : names.has(entry));
  return ROLES.filter((role) => policy.roles[role].some(matches));
}

/**
 * Break-glass accounts that no command ever changes, whichever name the policy gives them: the
 * UPN, the mail, any SMTP proxy address or the object id.
 */
export function isProtected(policy: Policy, who: Someone): boolean {
  const names = namesOf(who);
  return policy.protected.some((entry) => names.has(entry));
}

/** Whether any role is granted through a group, i.e. whether memberOf is worth a Graph call. */
export function needsGroupLookup(policy: Policy): boolean {
  return roleGroupIds(policy).length > 0;
}

/** The distinct group object ids (lower-cased) the roles name, e.g. for Graph checkMemberGroups. */
export function roleGroupIds(policy: Policy): string[] {
  const ids = new Set<string>();
  for (const role of ROLES) {
    for (const entry of policy.roles[role]) {
      if (entry.startsWith(GROUP_PREFIX)) ids.add(entry.slice(GROUP_PREFIX.length));
    }
  }
  return [...ids];
}
