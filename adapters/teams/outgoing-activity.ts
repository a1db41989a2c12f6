import { type Activity, ActivityTypes, CardFactory } from "botbuilder";
import type { ApprovalView, Outcome } from "../../src/notify/outcome.js";
import { fullListCards } from "./cards/full-list.js";
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

/**
 * Everyone a bulk approval card leaves out, as follow-up messages: cards of TextRuns, so a
 * name is shown as typed (never a mention or Markdown), and no `text` or `entities` that Teams
 * would read.
 */
export function fullListActivities(approval: ApprovalView): Array<Partial<Activity>> {
  const cards = fullListCards(approval);
  return cards.map((card, index) => ({
    type: ActivityTypes.Message,
    summary: `Approval ${approval.id}: everyone in the request (${index + 1} of ${cards.length})`,
    textFormat: "plain",
    attachments: [CardFactory.adaptiveCard(card)],
  }));
}
