/**
 * Adaptive Card building blocks. Everything that can carry text from users or the directory
 * (names, UPNs, reasons) is a RichTextBlock of TextRuns: the Adaptive Card spec does not
 * process Markdown in a TextRun, so a display name like `**[click](https://…)**` or
 * `<at>CEO</at>` shows as the characters it is, never as a link or a mention.
 */

export { userLabel } from "../../../src/notify/words.js";

export type CardElement = { type: string } & Record<string, unknown>;

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: "1.5";
  /** Shown by hosts that cannot render this card version. */
  fallbackText: string;
  body: CardElement[];
  msteams: { width: "Full" };
}

export type Tone = "default" | "good" | "warning" | "attention" | "accent";

export interface Run {
  text: string;
  weight?: "Bolder";
  color?: Tone;
  size?: "Small" | "Medium" | "Large";
  isSubtle?: boolean;
  fontType?: "Monospace";
}

export const ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";
/** Long lists make cards too big for Teams (about 28 KB a message); the rest is counted. */
export const LIST_LIMIT = 15;
const TEXT_LIMIT = 2000;

// Control and bidi-override characters could break or disguise a card; newlines stay.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

/** Text from outside (users, the directory), made safe to show and bounded in length. */
export function clean(text: string, limit = TEXT_LIMIT): string {
  const safe = text.replace(UNSAFE, "");
  return safe.length > limit ? `${safe.slice(0, limit - 1)}…` : safe;
}

/** The schema spells colours `Good`, `Attention`…; hosts read them either way, validators do not. */
const COLOR: Record<Tone, string> = {
  default: "Default",
  good: "Good",
  warning: "Warning",
  attention: "Attention",
  accent: "Accent",
};

function textRun(run: Run | string): CardElement {
  const r: Run = typeof run === "string" ? { text: run } : run;
  return { type: "TextRun", ...r, text: clean(r.text), ...(r.color ? { color: COLOR[r.color] } : {}) };
}

/** One paragraph made of runs; a string is a plain run. */
export function line(...runs: Array<Run | string>): CardElement {
  return { type: "RichTextBlock", inlines: runs.map(textRun) };
}

export function heading(text: string, tone: Tone = "default"): CardElement {
  return line({ text, weight: "Bolder", size: "Medium", color: tone });
}

/** `label: value`, the label bold. */
export function field(label: string, value: string, tone?: Tone): CardElement {
  return line({ text: `${label}: `, weight: "Bolder" }, tone ? { text: value, color: tone } : value);
}

export function subtle(text: string): CardElement {
  return line({ text, isSubtle: true, size: "Small" });
}

/** A heading line and one bullet a row; nothing when there are no rows. */
export function list(label: string, rows: readonly string[], more = 0, tone?: Tone): CardElement[] {
  if (rows.length === 0 && more === 0) return [];
  const shown = rows.slice(0, LIST_LIMIT);
  const hidden = more + rows.length - shown.length;
  return [
    line({ text: label, weight: "Bolder", ...(tone ? { color: tone } : {}) }),
    ...shown.map((row) => line(`• ${row}`)),
    ...(hidden > 0 ? [subtle(`…and ${hidden} more`)] : []),
  ];
}

export function monospace(lines: readonly string[]): CardElement {
  return line({ text: lines.join("\n"), fontType: "Monospace", size: "Small" });
}

/**
 * The card's text as plain lines, one a block: the fallback for hosts without cards, so
 * both always say the same thing.
 */
export function plainTextOf(body: readonly CardElement[]): string {
  return body
    .map((element) => {
      const inlines = element.inlines;
      if (!Array.isArray(inlines)) return typeof element.text === "string" ? element.text : "";
      return inlines
        .map((run: { text?: unknown }) => (typeof run.text === "string" ? run.text : ""))
        .join("");
    })
    .filter((text) => text !== "")
    .join("\n");
}

/** `afterText`: fallback lines for what the body cannot say in text (how to use the buttons). */
export function adaptiveCard(
  body: CardElement[],
  actions: CardElement[] = [],
  afterText: readonly string[] = [],
): AdaptiveCard {
  return {
    type: "AdaptiveCard",
    $schema: ADAPTIVE_CARD_SCHEMA,
    version: "1.5",
    fallbackText: clean([plainTextOf(body), ...afterText].join("\n"), 4000),
    // Buttons in an ActionSet in the body, not card-level `actions`: the Universal Actions
    // guidance asks for it, so that clients without Action.Execute honour its Action.Submit
    // fallback (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards#backward-compatibility).
    body: actions.length > 0 ? [...body, { type: "ActionSet", actions }] : body,
    msteams: { width: "Full" },
  };
}

/** ISO time as `2024-05-01 14:03 UTC`: readable, and the same for every viewer. */
export function when(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
