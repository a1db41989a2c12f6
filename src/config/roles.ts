import { GROUP_PREFIX, groupRef } from "../core/ids.js";
import { ROLES, type Role } from "../core/roles.js";
import type { Policy } from "./policy.js";

/**
 * Who holds which role under a policy. Pure: the caller supplies the actor's group
 * ids (Graph memberOf), and only needs to look them up when needsGroupLookup() says so.
 */

/** The actor's roles, in ROLES order; roles add up (README, "Commands"). */
export function rolesFor(policy: Policy, upn: string, groupIds: readonly string[]): Role[] {
  const who = upn.trim().toLowerCase();
  const groups = new Set(groupIds.map((id) => groupRef(id.trim())));
  const matches = (entry: string) => (entry.startsWith(GROUP_PREFIX) ? groups.has(entry) : entry === who);
  return ROLES.filter((role) => policy.roles[role].some(matches));
}

/** Break-glass accounts that no command ever changes. */
export function isProtected(policy: Policy, upn: string): boolean {
  return policy.protected.includes(upn.trim().toLowerCase());
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
