import { canonicalAddress } from "../core/ids.js";
import type { DirectoryUser } from "../directory/port.js";
import type { ReplyAddress } from "../notify/port.js";
import type { DirectoryTarget, ReminderJob, RequestJob } from "../queue/jobs.js";
import type { WorkerDeps } from "./deps.js";
import { addToDigest } from "./digest.js";
import { findOneUser } from "./find-user.js";
import { notifierFor, reply, textOutcome } from "./notify.js";

const DAY_MS = 24 * 3600 * 1000;
/** How long an apply's read-back stands in for a fresh read before the first reminder. */
const READ_BACK_FRESH_MS = 10 * 60 * 1000;

/** `remind <user>`: one "please register" DM now, if the user still needs to register. */
export async function sendReminder(
  deps: WorkerDeps,
  job: RequestJob,
  target: DirectoryTarget,
): Promise<void> {
  const user = await findOneUser(deps, job, target);
  if (!user) return;
  const state = await deps.directory.getMfaState(user.id);
  const upn = canonicalAddress(user.userPrincipalName);
  if (state !== "enabled") {
    await reply(
      deps,
      job.replyTo,
      textOutcome("info", `${upn} is ${state}: there is nothing to register for, no reminder sent.`),
    );
    return;
  }
  const sent = await deliver(deps, user, 0, job.replyTo, job.requester.upn);
  await reply(
    deps,
    job.replyTo,
    sent.delivered
      ? textOutcome("info", `Reminder sent to ${upn}.`)
      : textOutcome("warning", `Could not send a reminder to ${upn}: ${sent.reason}`),
  );
}

/**
 * A scheduled reminder (after an enable): sent while the user is still Enabled, then the
 * next one is scheduled from the policy's `reminders.scheduleDays`. A user who keeps
 * ignoring them is listed to the channel after `escalateAfter` reminders.
 */
export async function handleReminder(deps: WorkerDeps, job: ReminderJob): Promise<void> {
  let user: DirectoryUser | null;
  if (job.readBack && deps.now().getTime() - Date.parse(job.readBack.at) < READ_BACK_FRESH_MS) {
    user = {
      id: job.readBack.id,
      userPrincipalName: job.upn,
      displayName: job.upn,
      mail: job.readBack.mail ?? null,
    };
  } else {
    user = await deps.directory.getUser(job.upn);
    if (!user) return;
    const state = await deps.directory.getMfaState(user.id);
    // Enforced means registered (Enabled users become Enforced by themselves); Disabled means not our business.
    if (state !== "enabled") return;
  }
  const sent = await deliver(deps, user, job.attempt, job.replyTo, job.requestedBy);
  const topic = job.operationId ?? "manual";
  if (!sent.delivered) {
    // Gathered: a bulk of thousands must not become thousands of messages to the requester.
    await addToDigest(deps, {
      topic: `unreachable:${topic}`,
      line: `${job.upn}: ${sent.reason}`,
      heading: "Could not remind these users to register for MFA",
      delivery: "reply",
      replyTo: job.replyTo,
      requestId: job.requestId,
    });
    return;
  }
  const { scheduleDays, escalateAfter } = deps.policy.reminders;
  if (job.attempt + 1 === escalateAfter) {
    await addToDigest(deps, {
      topic: `ignoring:${topic}`,
      line: job.upn,
      heading: `Still not registered for MFA after ${escalateAfter} reminders`,
      delivery: "post",
      replyTo: job.replyTo,
      requestId: job.requestId,
    });
  }
  const today = scheduleDays[job.attempt];
  const next = scheduleDays[job.attempt + 1];
  if (today === undefined || next === undefined) return;
  await deps.queue.enqueue(
    { ...job, attempt: job.attempt + 1, readBack: undefined },
    {
      dedupeKey: `${job.operationId ?? "manual"}-${user.id}-${job.attempt + 1}`,
      delayMs: (next - today) * DAY_MS,
    },
  );
}

async function deliver(
  deps: WorkerDeps,
  user: DirectoryUser,
  attempt: number,
  context: ReplyAddress,
  requestedBy?: string,
) {
  const upn = canonicalAddress(user.userPrincipalName);
  const result = await notifierFor(deps, context.platform).directMessage(
    { upn, objectId: user.id, ...(user.mail ? { mail: user.mail } : {}) },
    {
      kind: "registerReminder",
      upn,
      setupUrl: deps.settings.setupUrl,
      attempt,
      ...(requestedBy ? { requestedBy } : {}),
    },
    context,
  );
  await deps.audit.append([
    {
      at: deps.now().toISOString(),
      operationId: "reminder",
      actor: requestedBy ?? "mfa-bot",
      action: "remind",
      target: upn,
      result: result.delivered ? "ok" : "failed",
      ...(result.delivered ? {} : { detail: result.reason }),
    },
  ]);
  return result;
}
