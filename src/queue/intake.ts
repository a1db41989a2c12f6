import { createHash, randomUUID } from "node:crypto";
import type { Command } from "../core/command.js";
import { helpText, parseCommand } from "../core/grammar.js";
import { addressKey } from "../core/ids.js";
import type { Verb } from "../core/verbs.js";
import type { ReplyAddress } from "../notify/port.js";
import { buildJob, type ChatTargetResolver, type JobBuildResult, type Requester } from "./from-command.js";
import type { AnyJob, DecisionJob, RequestJob } from "./jobs.js";
import type { EnqueueOptions } from "./queues.js";

/**
 * The one way a typed command or a button click becomes queued work, on every platform:
 * read the line (a usage error or help is answered at once, by the adapter), build the job
 * (chat mentions resolved, validated as the worker will read it), and enqueue it under its
 * dedupe key. Slack, Teams and the console differ only in where the text comes from and how
 * the answer is formatted.
 */

/** The producer side of the queue (RequestQueue satisfies it). */
export interface JobSink {
  enqueue(job: AnyJob, options?: EnqueueOptions): Promise<string>;
  /** False while the queue cannot take jobs (Redis away): adapters answer "try again" at once. */
  isAvailable?(): boolean;
}

export type Reading =
  | { kind: "command"; command: Command }
  | { kind: "help"; topic: Verb | undefined; text: string }
  /** `usage` is one command's usage line, or the list of every command (`HELP_SUMMARY`). */
  | { kind: "usage"; error: string; usage: string };

/** Reads one command line; help and usage errors need no worker, so they never reach the queue. */
export function readCommand(text: string): Reading {
  const parsed = parseCommand(text);
  if (!parsed.ok) return { kind: "usage", error: parsed.error, usage: parsed.usage };
  const { command } = parsed;
  if (command.verb === "help") return { kind: "help", topic: command.topic, text: helpText(command.topic) };
  return { kind: "command", command };
}

export interface Submission {
  command: Command;
  requester: Requester;
  replyTo: ReplyAddress;
  /** The platform's resolver for its own mentions and user groups. */
  resolve: ChatTargetResolver;
  /**
   * The platform's id for this delivery — Slack's team and trigger_id, Teams' conversation and
   * activity id (deliveryKeyOf in adapters/teams) — for commands and card clicks alike: a delivery
   * the platform sends again within the window queues nothing new (DELIVERY_WINDOW_MS).
   */
  deliveryKey?: string;
  requestId?: string;
}

export type Submitted =
  | { ok: true; job: RequestJob | DecisionJob; requestId: string }
  /** The command cannot become a job (a mention without an email…): `error` is for the user. */
  | { ok: false; reason: "refused"; error: string; requestId: string }
  /** The queue did not take it (Redis down): nothing happened, the user should try again. */
  | { ok: false; reason: "unavailable"; error: unknown; requestId: string };

/**
 * One decision per approval, person and verdict. A double click, a platform's redelivery, or a
 * typed `approve` next to a click is the same intent and queues one job. Approve and then
 * Reject by the same person are two intents: both are queued, the operation store lets the
 * first one stand, and the second is answered with why ("already approved by you") instead of
 * being dropped without a word. Keyed by the decider's Entra UPN, not a chat id, so it is the
 * same key on every platform.
 */
export function decisionDedupeKey(job: Pick<DecisionJob, "approvalId" | "decider" | "decision">): string {
  return `${job.approvalId}-${deciderKey(job.decider.upn)}-${job.decision}`;
}

/**
 * The decider's address key; one the identity check refuses (the worker will say why) is
 * hashed instead, so that job ids, which keep only a safe alphabet, cannot make it another's.
 */
function deciderKey(address: string): string {
  return (
    addressKey(address) ?? `unchecked-${createHash("sha256").update(address).digest("hex").slice(0, 16)}`
  );
}

/**
 * How a job is de-duplicated, the same on every platform: a request by its delivery (its job id
 * is the delivery key); a decision by decisionDedupeKey while it is handled, and by its delivery
 * for the whole window, so that a redelivered click is not answered twice.
 */
export function dedupeOptionsOf(
  job: RequestJob | DecisionJob,
  deliveryKey: string | undefined,
): EnqueueOptions {
  const dedupeKey = job.kind === "decision" ? decisionDedupeKey(job) : deliveryKey;
  return { ...(dedupeKey ? { dedupeKey } : {}), ...(deliveryKey ? { deliveryKey } : {}) };
}

/** Builds the job for a command and queues it. Never throws: every outcome is a value. */
export async function submitCommand(queue: JobSink, submission: Submission): Promise<Submitted> {
  const requestId = submission.requestId ?? randomUUID();
  if (queue.isAvailable?.() === false) {
    return { ok: false, reason: "unavailable", error: new Error("the queue is unavailable"), requestId };
  }
  let built: JobBuildResult;
  try {
    built = await buildJob(
      submission.command,
      submission.requester,
      submission.replyTo,
      submission.resolve,
      requestId,
    );
  } catch (err) {
    return {
      ok: false,
      reason: "refused",
      error: err instanceof Error ? err.message : String(err),
      requestId,
    };
  }
  if (!built.ok) return { ok: false, reason: "refused", error: built.error, requestId };
  try {
    await queue.enqueue(built.job, dedupeOptionsOf(built.job, submission.deliveryKey));
  } catch (err) {
    return { ok: false, reason: "unavailable", error: err, requestId };
  }
  return { ok: true, job: built.job, requestId };
}
