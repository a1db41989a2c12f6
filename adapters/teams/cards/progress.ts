import type { Outcome } from "../../../src/notify/outcome.js";
import { actionLabel } from "../../../src/notify/words.js";
import { type AdaptiveCard, adaptiveCard, field, heading, subtle } from "./elements.js";

type ProgressOutcome = Extract<Outcome, { kind: "progress" }>;

export function progressCard(progress: ProgressOutcome): AdaptiveCard {
  const percent = progress.total > 0 ? Math.floor((progress.done / progress.total) * 100) : 100;
  // The worker's last edit says every user was handled: the message stays in the channel, so
  // it must not read "in progress" forever.
  const finished = progress.done >= progress.total;
  return adaptiveCard([
    finished
      ? heading(`${actionLabel(progress.action)}: finished`, progress.failed > 0 ? "warning" : "good")
      : heading(`${actionLabel(progress.action)}: in progress`, "accent"),
    field("Done", `${progress.done} of ${progress.total} (${percent}%)`),
    ...(progress.failed > 0 ? [field("Failed so far", String(progress.failed), "attention")] : []),
    subtle(`operation ${progress.operationId}`),
  ]);
}
