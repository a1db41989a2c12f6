import type { AuditEntry } from "../audit/audit-log.js";
import { checkAddress } from "../core/ids.js";
import { operationIdFor } from "../operations/operation-id.js";
import type { DecisionJob, DirectoryTarget, JobCommand, RequestJob } from "../queue/jobs.js";
import type { WorkerDeps } from "./deps.js";
import { reply, textOutcome } from "./notify.js";

/**
 * The identity gate: before a request or a decision does anything, every address a person or a
 * chat platform gave in it — who asks (their Slack profile email, Teams UPN, console `--as`)
 * and every user named by address — must pass checkAddress (src/core/ids.ts). One that changes
 * under Unicode normalisation or holds a character Entra does not allow in a UPN is refused
 * with the reason, answered and audited as refused; it is never folded into another account.
 */
interface Refusal {
  who: "requester" | "target";
  address: string;
  reason: string;
}

/** Refuses the job (audited, answered) when an address in it does not pass; true if it did. */
export async function refusedForIdentity(deps: WorkerDeps, job: RequestJob | DecisionJob): Promise<boolean> {
  const person = job.kind === "request" ? job.requester : job.decider;
  const addresses = [
    { who: "requester" as const, address: person.upn },
    ...(job.kind === "request" ? targetsOf(job.command) : []).flatMap((t) =>
      t.kind === "upn" ? [{ who: "target" as const, address: t.upn }] : [],
    ),
  ];
  const refusals = addresses.flatMap(({ who, address }): Refusal[] => {
    const checked = checkAddress(address);
    return checked.ok ? [] : [{ who, address, reason: checked.reason }];
  });
  if (refusals.length === 0) return false;

  const action = job.kind === "request" ? `request ${job.command.verb}` : job.decision;
  const operationId = job.kind === "request" ? operationIdFor(`request:${job.requestId}`) : job.approvalId;
  const at = deps.now().toISOString();
  await deps.audit.append(
    refusals.map(
      (r): AuditEntry => ({
        at,
        operationId,
        ...(job.kind === "decision" ? { approvalId: job.approvalId } : {}),
        actor: person.upn,
        action,
        ...(r.who === "target" ? { target: r.address } : {}),
        result: "refused",
        detail: `identity: ${r.reason}`,
      }),
    ),
  );
  deps.logger.warn(
    { requestId: job.requestId, refused: refusals.map(({ who, reason }) => ({ who, reason })) },
    "refused: an address that does not name an Entra account as given",
  );
  await reply(deps, job.replyTo, textOutcome("error", refusalText(refusals)));
  return true;
}

function refusalText(refusals: readonly Refusal[]): string {
  return refusals
    .map((r) =>
      r.who === "requester"
        ? `I cannot act for you: the address your chat account gave, ${r.reason}. Ask an admin to set it to your Entra user principal name exactly.`
        : `I cannot look that user up: ${r.reason}. Name them by their Entra user principal name or object id.`,
    )
    .join("\n");
}

/** Every user a command names, however its verb takes them (src/core/command.ts). */
function targetsOf(command: JobCommand): DirectoryTarget[] {
  if ("target" in command) return [command.target];
  if ("targets" in command) return command.targets;
  if ("subject" in command && command.subject.kind === "user") return [command.subject.target];
  return [];
}
