import type { Verb } from "../core/command.js";
import { helpText, USAGE } from "../core/grammar.js";
import { authorize } from "../core/permissions.js";
import type { RequestJob } from "../queue/jobs.js";
import { resolveActor } from "./actor.js";
import type { WorkerDeps } from "./deps.js";
import { reply, textOutcome } from "./notify.js";
import { sendReminder } from "./send-reminder.js";
import { showAudit } from "./show-audit.js";
import { showStatus } from "./show-status.js";
import { submitChange, submitUndo } from "./submit-change.js";
import { convert, showReport } from "./tenant-wide.js";

/** A command from a person: answer it, or turn it into an operation. */
export async function handleRequest(deps: WorkerDeps, job: RequestJob): Promise<void> {
  const { command } = job;
  if (command.verb === "help") {
    const topic = command.topic && command.topic in USAGE ? (command.topic as Verb) : undefined;
    await reply(deps, job.replyTo, textOutcome("info", helpText(topic)));
    return;
  }
  const actor = await resolveActor(deps, job.requester.upn);
  const permission = command.verb === "convert" && command.mode === "plan" ? "convert" : command.verb;
  const allowed = authorize(actor, permission);
  if (!allowed.ok) {
    deps.logger.info(
      { requestId: job.requestId, actor: actor.upn, verb: command.verb },
      "request refused: role",
    );
    await reply(deps, job.replyTo, textOutcome("error", allowed.reason));
    return;
  }
  switch (command.verb) {
    case "status":
      return showStatus(deps, job, command.target);
    case "audit":
      return showAudit(deps, job, command.subject);
    case "remind":
      return sendReminder(deps, job, command.target);
    case "enable":
    case "disable":
    case "enforce":
    case "reregister":
      return submitChange(deps, job, actor, {
        action: command.verb,
        bulk: false,
        targets: [command.target],
        ...(command.reason ? { reason: command.reason } : {}),
        ...(command.forMinutes ? { forMinutes: command.forMinutes } : {}),
      });
    case "bulk-enable":
      return submitChange(deps, job, actor, {
        action: "enable",
        bulk: true,
        targets: command.targets,
        ...(command.reason ? { reason: command.reason } : {}),
      });
    case "undo":
      return submitUndo(deps, job, actor, command.operationId, command.reason);
    case "report":
      return showReport(deps, job);
    case "convert":
      return convert(deps, job, actor, command.mode, command.reason);
  }
}
