import { canonicalAddress } from "../core/ids.js";
import type { RequestJob } from "../queue/jobs.js";
import type { WorkerDeps } from "./deps.js";
import { reply } from "./notify.js";
import { targetLabel } from "./target-label.js";

type AuditSubject = Extract<RequestJob["command"], { verb: "audit" }>["subject"];

/** `audit <user|operation>`, answered from the audit stream's indexes. */
export async function showAudit(deps: WorkerDeps, job: RequestJob, subject: AuditSubject): Promise<void> {
  if (subject.kind === "operation") {
    const entries = await deps.audit.forOperation(subject.id);
    await reply(deps, job.replyTo, { kind: "audit", subject: `operation ${subject.id}`, entries });
    return;
  }
  const target = subject.target;
  let upn = target.kind === "upn" ? target.upn : undefined;
  if (!upn && target.kind === "objectId") {
    const user = await deps.directory.getUser(target.id);
    upn = user ? canonicalAddress(user.userPrincipalName) : undefined;
  }
  const entries = upn ? await deps.audit.forUser(upn) : [];
  await reply(deps, job.replyTo, { kind: "audit", subject: upn ?? targetLabel(target), entries });
}
