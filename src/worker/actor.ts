import { needsGroupLookup, rolesFor } from "../config/roles.js";
import { canonicalAddress } from "../core/ids.js";
import { type Actor, ROLES } from "../core/roles.js";
import type { DirectoryUser } from "../directory/port.js";
import type { WorkerDeps } from "./deps.js";

/**
 * Who is asking, as the directory knows them. Chat platforms give an email (Slack's
 * profile) or a UPN (Teams); the directory gives the one UPN that approvals compare, so a
 * person whose mail differs from their UPN cannot approve their own request from another
 * platform. Roles come from the policy file, by any name of the account (UPN, mail, proxy
 * addresses; src/config/roles.ts) or by group membership. The address has passed the identity
 * gate (identity-gate.ts) before it gets here.
 */
export async function resolveActor(deps: WorkerDeps, address: string): Promise<Actor> {
  const asked = canonicalAddress(address);
  const user = await deps.directory.getUser(asked);
  return actorFor(deps, user, asked);
}

/**
 * The actor a directory user is (a linked chat account's, say); with `asked`, also whatever
 * roles the address the platform gave holds by itself.
 */
export async function actorFor(deps: WorkerDeps, user: DirectoryUser | null, asked?: string): Promise<Actor> {
  const upn = user ? canonicalAddress(user.userPrincipalName) : (asked ?? "");
  const groupIds = user && needsGroupLookup(deps.policy) ? await deps.directory.memberOf(user.id) : [];
  const roles = new Set([
    ...(user ? rolesFor(deps.policy, user, groupIds) : []),
    ...(asked === undefined ? [] : rolesFor(deps.policy, asked, groupIds)),
  ]);
  return { upn, roles: ROLES.filter((r) => roles.has(r)) };
}
