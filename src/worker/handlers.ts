import type { ChangeAction } from "../core/actions.js";
import { helpText } from "../core/grammar.js";
import type { Actor } from "../core/roles.js";
import type { RequestVerb, VerbTaking } from "../core/verbs.js";
import type { JobCommandOf, RequestJob } from "../queue/jobs.js";
import { link, listLinks, unlink } from "./chat-links.js";
import type { WorkerDeps } from "./deps.js";
import { reply, textOutcome } from "./notify.js";
import { sendReminder } from "./send-reminder.js";
import { showAudit } from "./show-audit.js";
import { showStatus } from "./show-status.js";
import { abortBulk, continueBulk } from "./staged-bulk.js";
import { type ChangeRequest, submitChange, submitUndo } from "./submit-change.js";
import { convert, showReport } from "./tenant-wide.js";

/** What every request handler gets: the worker's parts, the job, and who asks (roles resolved). */
export interface RequestContext {
  deps: WorkerDeps;
  job: RequestJob;
  actor: Actor;
}

export type Handler<V extends RequestVerb> = (ctx: RequestContext, command: JobCommandOf<V>) => Promise<void>;

/** The reason and duration a change command carries, as the change request wants them. */
function extras(command: { reason?: string | undefined; forMinutes?: number | undefined }) {
  return {
    ...(command.reason ? { reason: command.reason } : {}),
    ...(command.forMinutes ? { forMinutes: command.forMinutes } : {}),
  } satisfies Partial<ChangeRequest>;
}

/** A single-user change: the verb names its action. */
const changeOne: Handler<VerbTaking<"user"> & ChangeAction> = (ctx, command) =>
  submitChange(ctx.deps, ctx.job, ctx.actor, {
    action: command.verb,
    bulk: false,
    targets: [command.target],
    ...extras(command),
  });

/**
 * One handler per request verb of the verb table (src/core/verbs.ts). The type makes a verb
 * without a handler a compile error, so a new command cannot silently go unanswered.
 */
export const HANDLERS: { [V in RequestVerb]: Handler<V> } = {
  status: (ctx, command) => showStatus(ctx.deps, ctx.job, command.target),
  enable: changeOne,
  disable: changeOne,
  enforce: changeOne,
  reregister: changeOne,
  remind: (ctx, command) => sendReminder(ctx.deps, ctx.job, command.target),
  "bulk-enable": (ctx, command) =>
    submitChange(ctx.deps, ctx.job, ctx.actor, {
      action: "enable",
      bulk: true,
      targets: command.targets,
      ...extras(command),
      ...(command.canary ? { canary: command.canary } : {}),
    }),
  report: (ctx) => showReport(ctx.deps, ctx.job),
  convert: (ctx, command) => convert(ctx.deps, ctx.job, ctx.actor, command.mode, command.reason),
  audit: (ctx, command) => showAudit(ctx.deps, ctx.job, command.subject),
  undo: (ctx, command) => submitUndo(ctx.deps, ctx.job, ctx.actor, command.operationId, command.reason),
  continue: (ctx, command) =>
    continueBulk(ctx.deps, ctx.job, ctx.actor.upn, command.operationId, command.reason),
  abort: (ctx, command) => abortBulk(ctx.deps, ctx.job, ctx.actor.upn, command.operationId, command.reason),
  link: (ctx) => link(ctx),
  unlink: (ctx) => unlink(ctx),
  links: (ctx) => listLinks(ctx),
  help: (ctx, command) => reply(ctx.deps, ctx.job.replyTo, textOutcome("info", helpText(command.topic))),
};

/** Runs the handler of a command's own verb. */
export function handle<V extends RequestVerb>(
  ctx: RequestContext,
  verb: V,
  command: JobCommandOf<V>,
): Promise<void> {
  const handler: Handler<V> = HANDLERS[verb];
  return handler(ctx, command);
}
