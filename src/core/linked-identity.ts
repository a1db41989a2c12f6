import { z } from "zod";
import type { Role } from "./roles.js";

/**
 * The policy file's `requireLinkedIdentity`: which roles may act from a chat account only once
 * that account is linked to its Entra user by signing in (README, "Verified identity"). Named as
 * the policy file names them — `approve` is the approver role.
 */
export const linkRequirementSchema = z.enum(["approve", "admin", "helpdesk"]);
export const LINK_REQUIREMENTS = linkRequirementSchema.options;
export type LinkRequirement = z.infer<typeof linkRequirementSchema>;

const ROLE_OF: Readonly<Record<LinkRequirement, Role>> = {
  approve: "approver",
  admin: "admin",
  helpdesk: "helpdesk",
};

/**
 * The roles an actor holds that the policy only grants to a linked (signed-in) identity. An
 * actor who holds any of them and is not linked is refused outright, whatever the verb: the
 * address their chat profile gives is what the link exists to stop trusting.
 */
export function rolesNeedingLink(roles: readonly Role[], requirements: readonly LinkRequirement[]): Role[] {
  const covered = new Set(requirements.map((r) => ROLE_OF[r]));
  return roles.filter((role) => covered.has(role));
}
