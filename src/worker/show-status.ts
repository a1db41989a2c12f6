import { isProtected } from "../config/roles.js";
import { changedOutsideBot } from "../core/drift.js";
import { canonicalAddress } from "../core/ids.js";
import type { DirectoryTarget, RequestJob } from "../queue/jobs.js";
import type { WorkerDeps } from "./deps.js";
import { findOneUser } from "./find-user.js";
import { readRegistrations } from "./gather-targets.js";
import { reply } from "./notify.js";

/** `status <user>`: state, registration, re-registration needed, pending approvals, last change. */
export async function showStatus(deps: WorkerDeps, job: RequestJob, target: DirectoryTarget): Promise<void> {
  const user = await findOneUser(deps, job, target);
  if (!user) return;
  const upn = canonicalAddress(user.userPrincipalName);
  const [state, registrations, coverage, pending, last, expected] = await Promise.all([
    deps.directory.getMfaState(user.id),
    // Live for a user the bot just changed: the report would still show the old methods.
    readRegistrations(deps, [user.id], "report"),
    deps.directory.mfaCoverage(user.id),
    deps.operations.pendingFor(upn),
    deps.operations.lastChange(upn),
    deps.drift.get([user.id]),
  ]);
  const set = expected.get(user.id.toLowerCase());
  const registration = registrations?.get(user.id);
  if (!registration) throw new Error(`no registration came back for ${upn}`);
  const hasDetails = registration.isMfaRegistered || registration.methodsRegistered.length > 0;
  await reply(deps, job.replyTo, {
    kind: "status",
    user: { id: user.id, upn, displayName: user.displayName },
    state,
    registration: {
      isMfaRegistered: registration.isMfaRegistered,
      methods: registration.methodsRegistered,
      defaultMethod: registration.defaultMethod,
    },
    // Enabled yet holding registration details: Microsoft's per-user MFA page's "doesn't transition
    // from Enabled to Enforced" case — the user must re-register.
    reregistrationNeeded: state === "enabled" && hasDetails,
    isProtected: isProtected(deps.policy, user),
    coverage,
    pendingApprovals: pending,
    ...(set && changedOutsideBot(set.state, state)
      ? { drift: { set: set.state, operationId: set.operationId, at: set.at } }
      : {}),
    ...(last ? { lastChange: last } : {}),
  });
}
