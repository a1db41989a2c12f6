import type { Activity } from "botbuilder";
import { type AdaptiveCard, type CardElement, clean, plainTextOf, subtle } from "./cards/elements.js";

/**
 * What one Teams message may weigh. Microsoft documents it three ways: "about 28 KB" for a
 * chat or channel message, text and images and links included
 * (https://learn.microsoft.com/microsoftteams/limits-specifications-teams#chat); 100 KB for a
 * bot message, counted as UTF-16, 80 KB recommended, and 413 `MessageSizeTooBig` past it
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages;
 * older versions of that page say 40 KB). The bot keeps within all of them: 28 KB, counted as
 * whichever of UTF-8 and UTF-16 is larger, with room left for the envelope botbuilder adds
 * (conversation, sender, service URL).
 */
export const TEAMS_ACTIVITY_GUARD_BYTES = 28 * 1024;
const ENVELOPE_ROOM = 2 * 1024;
const BUDGET = TEAMS_ACTIVITY_GUARD_BYTES - ENVELOPE_ROOM;
/** No single piece of text needs more than this to be useful; longer ones are cut first. */
const RUN_LIMIT = 1_000;
const FALLBACK_LIMIT = 1_000;

/** The weight Teams may count: the larger of the UTF-8 and the UTF-16 encoding of the JSON. */
export function teamsPayloadBytes(value: unknown): number {
  const json = JSON.stringify(value) ?? "";
  return Math.max(Buffer.byteLength(json, "utf8"), json.length * 2);
}

/**
 * A card activity within TEAMS_ACTIVITY_GUARD_BYTES, degraded on purpose when it is not:
 * long texts cut, then list lines (then other lines) left out from the end with a count of
 * what is not shown. Headings, images and buttons stay.
 */
export function guardActivity(activity: Partial<Activity>): Partial<Activity> {
  if (teamsPayloadBytes(activity) <= BUDGET) return activity;
  const attachment = activity.attachments?.[0];
  const card = attachment?.content as AdaptiveCard | undefined;
  if (!attachment || !card?.body) return activity;
  let body = card.body.map(capRuns);
  let removed = 0;
  const build = (): Partial<Activity> => {
    const shown = removed > 0 ? [...body, subtle(`…${removed} more lines not shown here`)] : body;
    const guarded: AdaptiveCard = {
      ...card,
      body: shown,
      fallbackText: clean(plainTextOf(shown), FALLBACK_LIMIT),
    };
    return { ...activity, attachments: [{ ...attachment, content: guarded }] };
  };
  let result = build();
  while (teamsPayloadBytes(result) > BUDGET) {
    const index = lastRemovable(body);
    if (index === -1) break;
    body = body.filter((_, i) => i !== index);
    removed++;
    result = build();
  }
  return result;
}

const KEEP = new Set(["ActionSet", "Image"]);

/** List lines (bullets) go first, from the end; then any other line but the first. */
function lastRemovable(body: readonly CardElement[]): number {
  for (let i = body.length - 1; i > 0; i--) {
    if (!KEEP.has(body[i]?.type ?? "") && firstRunText(body[i]).startsWith("• ")) return i;
  }
  for (let i = body.length - 1; i > 0; i--) if (!KEEP.has(body[i]?.type ?? "")) return i;
  return -1;
}

function firstRunText(element: CardElement | undefined): string {
  const inlines = element?.inlines;
  if (!Array.isArray(inlines)) return "";
  const first = inlines[0] as { text?: unknown } | undefined;
  return typeof first?.text === "string" ? first.text : "";
}

function capRuns(element: CardElement): CardElement {
  const inlines = element.inlines;
  if (!Array.isArray(inlines)) return element;
  return {
    ...element,
    inlines: inlines.map((run: { text?: unknown }) =>
      typeof run.text === "string" && run.text.length > RUN_LIMIT
        ? { ...run, text: clean(run.text, RUN_LIMIT) }
        : run,
    ),
  };
}
