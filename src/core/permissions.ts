import type { Verb } from "./command.js";
import type { Actor, ApprovableAction, Role } from "./roles.js";

/**
 * What a role lets its holder do. Roles add up (DESIGN.md): an actor may do what any of
 * their roles permits. `bulk` is the policy file's name for `bulk-enable`.
 */
export type Permission = Verb | ApprovableAction;

const HELPDESK: readonly Permission[] = ["status", "remind", "report", "audit", "help"];
const ADMIN: readonly Permission[] = [
  ...HELPDESK,
  "enable",
  "disable",
  "enforce",
  "reregister",
  "bulk-enable",
  "bulk",
  "convert",
  "undo",
];
const APPROVER: readonly Permission[] = ["approve", "reject", "help"];

const PERMITTED_BY: Readonly<Record<Role, readonly Permission[]>> = {
  helpdesk: HELPDESK,
  admin: ADMIN,
  approver: APPROVER,
};

/** The least role that permits each permission, for refusal messages. `help` needs none. */
const LEAST_ROLE: Readonly<Record<Permission, Role | null>> = {
  help: null,
  status: "helpdesk",
  remind: "helpdesk",
  report: "helpdesk",
  audit: "helpdesk",
  enable: "admin",
  disable: "admin",
  enforce: "admin",
  reregister: "admin",
  "bulk-enable": "admin",
  bulk: "admin",
  convert: "admin",
  undo: "admin",
  approve: "approver",
  reject: "approver",
};

/** Phrased to follow "you need the <role> role to …". */
const DOING: Readonly<Record<Permission, string>> = {
  help: "read the help",
  status: "look up a user's MFA status",
  remind: "remind a user to register for MFA",
  report: "run the MFA report",
  audit: "read the audit log",
  enable: "enable MFA",
  disable: "disable MFA",
  enforce: "enforce MFA",
  reregister: "make a user re-register MFA",
  "bulk-enable": "bulk enable MFA",
  bulk: "bulk enable MFA",
  convert: "convert users to Conditional Access",
  undo: "undo an operation",
  approve: "approve requests",
  reject: "reject requests",
};

export function rolePermits(roles: readonly Role[], permission: Permission): boolean {
  if (permission === "help") return true;
  return roles.some((role) => PERMITTED_BY[role]?.includes(permission) ?? false);
}

export type Authorization = { ok: true } | { ok: false; reason: string };

export function authorize(actor: Actor, verb: Permission): Authorization {
  if (rolePermits(actor.roles, verb)) return { ok: true };
  const role = LEAST_ROLE[verb];
  // Only `help` has no least role, and rolePermits always allows it.
  const article = role === "admin" || role === "approver" ? "an" : "a";
  const holder = role === "helpdesk" ? "someone on the helpdesk" : `${article} ${role}`;
  return {
    ok: false,
    reason: `you need the ${role} role to ${DOING[verb]}; ask ${holder} or get the role added to the policy file`,
  };
}
