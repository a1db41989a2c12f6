import type { Actor, ApprovableAction, Role } from "./roles.js";
import { isVerb, type Verb, type VerbSpec, verbAnsweringTo, verbSpec } from "./verbs.js";

/**
 * What a role lets its holder do, from the verb table: each verb names the least role that may
 * use it, and roles add up (README, "Commands"): an actor may do what any of their roles
 * permits. The policy file's `requireApproval` names (`bulk` for `bulk enable`) are
 * permissions too, with the role and wording of the verb that answers to them.
 */
export type Permission = Verb | ApprovableAction;

/** The roles whose verbs each role may use: an admin may do what the helpdesk does. */
const INCLUDES: Readonly<Record<Role, readonly Role[]>> = {
  helpdesk: ["helpdesk"],
  admin: ["admin", "helpdesk"],
  approver: ["approver"],
};

function specOf(permission: Permission): VerbSpec {
  return verbSpec(isVerb(permission) ? permission : verbAnsweringTo(permission));
}

export function rolePermits(roles: readonly Role[], permission: Permission): boolean {
  const least = specOf(permission).role;
  return least === null || roles.some((role) => INCLUDES[role].includes(least));
}

export type Authorization = { ok: true } | { ok: false; reason: string };

export function authorize(actor: Actor, permission: Permission): Authorization {
  if (rolePermits(actor.roles, permission)) return { ok: true };
  const { role, doing } = specOf(permission);
  // Only a verb without a least role is always permitted, so `role` is set here.
  const article = role === "admin" || role === "approver" ? "an" : "a";
  const holder = role === "helpdesk" ? "someone on the helpdesk" : `${article} ${role}`;
  return {
    ok: false,
    reason: `you need the ${role} role to ${doing}; ask ${holder} or get the role added to the policy file`,
  };
}
