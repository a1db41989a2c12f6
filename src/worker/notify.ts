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
