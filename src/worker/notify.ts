import type { Outcome } from "../notify/outcome.js";
import type { MessageRef, Notifier, ReplyAddress } from "../notify/port.js";
import type { WorkerDeps } from "./deps.js";

/** The Notifier of the platform a request came from; a missing one is a wiring error worth failing on. */
export function notifierFor(deps: WorkerDeps, platform: ReplyAddress["platform"]): Notifier {
  const notifier = deps.notifiers[platform];
  if (!notifier)
    throw new Error(`no notifier is configured for ${platform}: check this worker's environment`);
  return notifier;
}

export function reply(deps: WorkerDeps, to: ReplyAddress, outcome: Outcome): Promise<void> {
  return notifierFor(deps, to.platform).reply(to, outcome);
}

export function post(deps: WorkerDeps, to: ReplyAddress, outcome: Outcome): Promise<MessageRef> {
  return notifierFor(deps, to.platform).post(to, outcome);
}

export function update(deps: WorkerDeps, ref: MessageRef, outcome: Outcome): Promise<void> {
  return notifierFor(deps, ref.platform).update(ref, outcome);
}

export function textOutcome(tone: "info" | "warning" | "error", text: string, operationId?: string): Outcome {
  return { kind: "text", tone, text, ...(operationId ? { operationId } : {}) };
}

/**
 * For messages whose loss must not stop the work (an approval card's edit, a progress
 * update): a failure is logged, and the job goes on. Answers a person waits for are not this.
 */
export async function bestEffort(deps: WorkerDeps, what: string, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (err) {
    deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, `could not ${what}`);
  }
}
