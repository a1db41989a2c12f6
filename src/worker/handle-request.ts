import { authorize } from "../core/permissions.js";
import type { Actor } from "../core/roles.js";
import { verbSpec } from "../core/verbs.js";
import type { RequestJob } from "../queue/jobs.js";
import { actingAs } from "./acting-identity.js";
import type { WorkerDeps } from "./deps.js";
import { handle } from "./handlers.js";
import { refusedForIdentity } from "./identity-gate.js";
import { reply, textOutcome } from "./notify.js";

/** A command from a person: check the role its verb needs, then run the verb's handler. */
export async function handleRequest(deps: WorkerDeps, job: RequestJob): Promise<void> {
  const { command } = job;
  if (await refusedForIdentity(deps, job)) return;
  // A verb anyone may use (help, link, unlink) needs no directory look-up of who asks.
  let actor: Actor = { upn: job.requester.upn, roles: [] };
  if (verbSpec(command.verb).role !== null) {
    const acting = await actingAs(deps, job.requester, job.replyTo, job.requestId);
    if (!acting.ok) {
      const offer = acting.offer ? `\n${acting.offer}` : "";
      await reply(
        deps,
        job.replyTo,
        textOutcome("error", `I cannot do that for you: ${acting.reason}${offer}`),
      );
      return;
    }
    actor = acting.actor;
  }
  const allowed = authorize(actor, command.verb);
  if (!allowed.ok) {
    deps.logger.info(
      { requestId: job.requestId, actor: actor.upn, verb: command.verb },
      "request refused: role",
    );
    await reply(deps, job.replyTo, textOutcome("error", allowed.reason));
    return;
  }
  await handle({ deps, job, actor }, command.verb, command);
}
