import type { Outcome } from "../../../src/notify/outcome.js";
import { reminderWords } from "../../../src/notify/words.js";
import { escapeText } from "../escape.js";
import { type Block, code, context, link, message, type SlackMessage, section } from "./blocks.js";

type TextOutcome = Extract<Outcome, { kind: "text" }>;
type ReminderOutcome = Extract<Outcome, { kind: "registerReminder" }>;

const TONE_ICON: Readonly<Record<TextOutcome["tone"], string>> = { info: "ℹ️", warning: "⚠️", error: "❌" };

export function renderText(o: TextOutcome): SlackMessage {
  const icon = TONE_ICON[o.tone] ?? "";
  const title = o.title ? `*${escapeText(o.title)}*\n` : "";
  const blocks: Block[] = [section(`${icon} ${title}${escapeText(o.text)}`)];
  if (o.operationId) blocks.push(context(`Operation ${code(o.operationId)}`));
  const fallback = `${icon} ${o.title ? `${escapeText(o.title)}: ` : ""}${escapeText(o.text)}`;
  return message(fallback, blocks);
}

/** The direct message a user gets after being enabled, and on each reminder. */
export function renderReminder(o: ReminderOutcome): SlackMessage {
  // Everything but the link is escaped; the link is markup we make (blocks.ts `link`).
  const LINK = "[[setup-link]]";
  const words = reminderWords(o, LINK);
  const setup = link(o.setupUrl, o.setupUrl.replace(/^https?:\/\//, ""));
  const opening = `🔐 ${escapeText(words.opening)}`;
  const blocks: Block[] = [section(`${opening}\n${escapeText(words.howTo).replace(LINK, setup)}`)];
  if (words.requestedBy) blocks.push(context(escapeText(words.requestedBy)));
  return message(`${opening} Register at ${escapeText(o.setupUrl)}`, blocks);
}
