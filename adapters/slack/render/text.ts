import type { Outcome } from "../../../src/notify/outcome.js";
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
  const setup = link(o.setupUrl, o.setupUrl.replace(/^https?:\/\//, ""));
  const opening =
    o.attempt > 0
      ? `🔐 *Reminder:* your account ${escapeText(o.upn)} still needs multi-factor authentication (MFA) set up.`
      : `🔐 Your account ${escapeText(o.upn)} is now enabled for multi-factor authentication (MFA).`;
  const blocks: Block[] = [
    section(
      `${opening}\nRegister a method (the Microsoft Authenticator app or a phone) at ${setup}. It takes a few minutes; until you do, you will be asked to at your next sign-in.`,
    ),
  ];
  if (o.requestedBy) blocks.push(context(`Requested by ${escapeText(o.requestedBy)}`));
  return message(`${opening} Register at ${escapeText(o.setupUrl)}`, blocks);
}
