import { type Activity, ActivityTypes, CardFactory } from "botbuilder";
import type { Outcome } from "../../src/notify/outcome.js";
import { renderOutcome } from "./cards/index.js";

/**
 * An outcome as a Teams message: the Adaptive Card (its `fallbackText` is the same content as
 * plain text for hosts without cards) and a one-line `summary` for notifications. No `text`:
 * Teams would show it above the card, saying everything twice.
 */
export function outcomeActivity(outcome: Outcome): Partial<Activity> {
  const { card, summary } = renderOutcome(outcome);
  return {
    type: ActivityTypes.Message,
    summary,
    textFormat: "plain",
    attachments: [CardFactory.adaptiveCard(card)],
  };
}
