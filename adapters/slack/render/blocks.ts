import type { types } from "@slack/bolt";
import { capMrkdwn, capPlain, escapeText } from "../escape.js";
import { guardBlocks } from "./guard.js";

export type Block = types.KnownBlock;

/** What every Slack message we send carries: blocks, and the plain `text` notifications and screen readers use. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Block Kit's documented limits; a message over any of them is rejected outright. */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  header: 150,
  buttonText: 75,
  confirmTitle: 100,
  confirmText: 300,
  // `text` may be 40k, but a notification shows a line or two; keep the fallback readable.
  fallback: 3000,
} as const;

export function section(mrkdwn: string): types.SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text: capMrkdwn(mrkdwn, LIMITS.sectionText) } };
}

/** Two-column facts (at most ten); each is mrkdwn. */
export function fields(items: string[]): types.SectionBlock {
  return {
    type: "section",
    fields: items
      .slice(0, LIMITS.fields)
      .map((text) => ({ type: "mrkdwn" as const, text: capMrkdwn(text, LIMITS.fieldText) })),
  };
}

export function context(...items: string[]): types.ContextBlock {
  return {
    type: "context",
    elements: items
      .slice(0, LIMITS.contextElements)
      .map((text) => ({ type: "mrkdwn" as const, text: capMrkdwn(text, LIMITS.sectionText) })),
  };
}

export function header(text: string): types.HeaderBlock {
  return { type: "header", text: { type: "plain_text", text: capPlain(text, LIMITS.header), emoji: true } };
}

export function divider(): types.DividerBlock {
  return { type: "divider" };
}

/**
 * Assembles a message within what Slack accepts — every message the bot sends is built here:
 * the size guard (guard.ts: 50 blocks, 12,000 characters of block text, shortened on purpose
 * with a count of what is left out) and a fallback text escaped and capped like everything else.
 */
export function message(fallback: string, blocks: Block[]): SlackMessage {
  return { text: capMrkdwn(fallback, LIMITS.fallback), blocks: guardBlocks(blocks) };
}

/**
 * A bulleted list of already-escaped lines that fits in `budget` characters; what does not
 * fit (plus `more` known to be left out upstream) is counted in a last line.
 */
export function bulletList(lines: string[], more = 0, budget: number = LIMITS.sectionText - 200): string {
  const out: string[] = [];
  let used = 0;
  let index = 0;
  for (; index < lines.length; index++) {
    const line = `• ${lines[index]}`;
    // Keep room for the "and N more" line.
    if (used + line.length + 1 > budget - 40) break;
    out.push(line);
    used += line.length + 1;
  }
  const left = lines.length - index + more;
  if (left > 0) out.push(`_… and ${left} more_`);
  return out.join("\n");
}

/**
 * A date every reader sees in their own time zone; the fallback (shown where Slack cannot
 * format it) is the UTC time.
 */
export function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeText(iso);
  const utc = new Date(ms).toISOString().replace("T", " ").slice(0, 16);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${utc} UTC>`;
}

/** A link with our own label; only http(s) URLs become links, anything else is shown as text. */
export function link(url: string, label: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return escapeText(url);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return escapeText(url);
  // `|` and `>` end the link markup; the URL class has percent-encoded everything else unsafe.
  const href = parsed.href.replace(/\|/g, "%7C").replace(/>/g, "%3E").replace(/</g, "%3C");
  return `<${href}|${escapeText(label).replace(/\|/g, "¦")}>`;
}

/** An id we generated (operation, approval): shown in code style, and escaped all the same. */
export function code(text: string): string {
  return `\`${escapeText(text).replace(/`/g, "'")}\``;
}
