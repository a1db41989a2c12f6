import type { Outcome } from "../../../src/notify/outcome.js";
import { driftWords } from "../../../src/notify/words.js";
import { type AdaptiveCard, adaptiveCard, heading, line, subtle } from "./elements.js";

/** A drift alert in the alert conversation: who, the state the bot set, the state now, who changed it. */
export function driftCard(o: Extract<Outcome, { kind: "drift" }>): AdaptiveCard {
  const words = driftWords(o);
  return adaptiveCard([
    heading(words.title, "warning"),
    ...words.lines.map((text) => line(text)),
    subtle(`user ${o.user.id} · operation ${o.operationId}`),
  ]);
}
