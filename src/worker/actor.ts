import { needsGroupLookup, rolesFor } from "../config/roles.js";
import type { Actor } from "../core/roles.js";
import type { WorkerDeps } from "./deps.js";

/**
 * The actor's roles come from the policy file: by UPN, or by Entra group membership
 * when the policy names groups (only then is the directory asked).
 */
export async function resolveActor(deps: WorkerDeps, upn: string): Promise<Actor> {
  let groupIds: string[] = [];
  if (needsGroupLookup(deps.policy)) {
    const user = await deps.directory.getUser(upn);
    if (user) groupIds = await deps.directory.memberOf(user.id);
  }
  return { upn: upn.toLowerCase(), roles: rolesFor(deps.policy, upn, groupIds) };
}
