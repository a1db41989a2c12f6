import { type Activity, ActivityTypes, CardFactory } from "botbuilder";
import type { ApprovalView, Outcome } from "../../src/notify/outcome.js";
import { DOWNLOAD_TTL_SECONDS } from "../../src/report/file-shelf.js";
import type { OutgoingFile } from "../../src/report/outgoing-file.js";
import { guardActivity } from "./activity-guard.js";
import { type CardElement, clean, line, subtle } from "./cards/elements.js";
import { fullListCards } from "./cards/full-list.js";
import { renderOutcome } from "./cards/index.js";

/** A file handed out as a link `serve` answers (see notifier.ts `share`). */
export type FileLink = OutgoingFile & { url: string };

/**
 * An outcome as a Teams message: the Adaptive Card (its `fallbackText` is the same content as
 * plain text for hosts without cards) and a one-line `summary` for notifications. No `text`:
 * Teams would show it above the card, saying everything twice. Files come as links: images
 * shown in the card, the rest as download buttons. Every message passes the size guard.
 */
export function outcomeActivity(
  outcome: Outcome,
  files: readonly FileLink[] = [],
  note?: string,
): Partial<Activity> {
  const { card, summary } = renderOutcome(outcome);
  const extra: CardElement[] = [];
  for (const file of files.filter((f) => f.mimeType === "image/png")) {
    extra.push({
      type: "Image",
      url: file.url,
      altText: clean(file.altText ?? file.title, 1000),
      size: "Stretch",
    });
  }
  const downloads = files.filter((f) => f.mimeType !== "image/png");
  if (downloads.length > 0) {
    extra.push({
      type: "ActionSet",
      actions: downloads.map((f) => ({
        type: "Action.OpenUrl",
        title: `Download ${f.filename}`,
        url: f.url,
      })),
    });
    extra.push(subtle(`The download link works for ${DOWNLOAD_TTL_SECONDS / 60} minutes.`));
  }
  if (note) extra.push(line({ text: note, color: "warning" }));
  const withFiles = extra.length > 0 ? { ...card, body: [...card.body, ...extra] } : card;
  return guardActivity({
    type: ActivityTypes.Message,
    summary,
    textFormat: "plain",
    attachments: [CardFactory.adaptiveCard(withFiles)],
  });
}

/**
 * Everyone a bulk approval card leaves out, as follow-up messages: cards of TextRuns, so a
 * name is shown as typed (never a mention or Markdown), and no `text` or `entities` that Teams
 * would read.
 */
export function fullListActivities(approval: ApprovalView): Array<Partial<Activity>> {
  const cards = fullListCards(approval);
  return cards.map((card, index) =>
    guardActivity({
      type: ActivityTypes.Message,
      summary: `Approval ${approval.id}: everyone in the request (${index + 1} of ${cards.length})`,
      textFormat: "plain",
      attachments: [CardFactory.adaptiveCard(card)],
    }),
  );
}
