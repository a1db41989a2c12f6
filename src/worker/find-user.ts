import type { DirectoryUser } from "../directory/port.js";
import type { DirectoryTarget, RequestJob } from "../queue/jobs.js";
import type { WorkerDeps } from "./deps.js";
import { reply, textOutcome } from "./notify.js";
import { targetLabel } from "./target-label.js";

/**
 * The one user a single-user command names. When there is none (a group, an unknown
 * name) the requester is told why, and the caller gets null.
 */
export async function findOneUser(
  deps: WorkerDeps,
  job: RequestJob,
  target: DirectoryTarget,
): Promise<DirectoryUser | null> {
  const verb = job.command.verb;
  if (target.kind === "group") {
    await reply(deps, job.replyTo, textOutcome("error", `\`${verb}\` takes one user, not a group.`));
    return null;
  }
  const user = await deps.directory.getUser(target.kind === "upn" ? target.upn : target.id);
  if (!user) {
    await reply(
      deps,
      job.replyTo,
      textOutcome("error", `No such user in the directory: ${targetLabel(target)}.`),
    );
  }
  return user;
}
