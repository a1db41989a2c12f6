import { needsGroupLookup, rolesFor } from "../config/roles.js";
import { type Actor, ROLES } from "../core/roles.js";
import type { WorkerDeps } from "./deps.js";

/**
 * Who is asking, as the directory knows them. Chat platforms give an email (Slack's
 * profile) or a UPN (Teams); the directory gives the one UPN that approvals compare, so a
 * person whose mail differs from their UPN cannot approve their own request from another
 * platform. Roles come from the policy file, by either name or by group membership.
 */
export async function resolveActor(deps: WorkerDeps, upnOrEmail: string): Promise<Actor> {
  const asked = upnOrEmail.toLowerCase();
  const user = await deps.directory.getUser(asked);
  const upn = user?.userPrincipalName.toLowerCase() ?? asked;
  const groupIds = user && needsGroupLookup(deps.policy) ? await deps.directory.memberOf(user.id) : [];
  const roles = new Set([...rolesFor(deps.policy, upn, groupIds), ...rolesFor(deps.policy, asked, groupIds)]);
  return { upn, roles: ROLES.filter((r) => roles.has(r)) };
}
