import { isProtected } from "../config/roles.js";
import type { DirectoryTarget, RequestJob } from "../queue/jobs.js";
import type { WorkerDeps } from "./deps.js";
import { reply, textOutcome } from "./notify.js";
import { targetLabel } from "./target-label.js";

/** `status <user>`: state, registration, re-registration needed, pending approvals, last change. */
export async function showStatus(deps: WorkerDeps, job: RequestJob, target: DirectoryTarget): Promise<void> {
  if (target.kind === "group") {
    await reply(deps, job.replyTo, textOutcome("error", "`status` takes one user, not a group."));
    return;
  }
  const user = await deps.directory.getUser(target.kind === "upn" ? target.upn : target.id);
  if (!user) {
    await reply(
      deps,
      job.replyTo,
      textOutcome("error", `No such user in the directory: ${targetLabel(target)}.`),
    );
    return;
  }
  const upn = user.userPrincipalName.toLowerCase();
  const [state, registration, coverage, pending, last] = await Promise.all([
    deps.directory.getMfaState(user.id),
    deps.directory.getRegistration(user.id),
    deps.directory.mfaCoverage(user.id),
    deps.operations.pendingFor(upn),
    deps.operations.lastChange(upn),
  ]);
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
    // Enabled yet holding registration details: the reference page's "doesn't transition
    // from Enabled to Enforced" case — the user must re-register.
    reregistrationNeeded: state === "enabled" && hasDetails,
    isProtected: isProtected(deps.policy, upn),
    coverage,
    pendingApprovals: pending,
    ...(last ? { lastChange: last } : {}),
  });
}
