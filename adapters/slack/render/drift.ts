import type { Outcome } from "../../../src/notify/outcome.js";
import { driftWords } from "../../../src/notify/words.js";
import { escapeText } from "../escape.js";
import { code, context, header, message, type SlackMessage, section } from "./blocks.js";

/** A drift alert in the alert channel: who, the state the bot set, the state now, who changed it. */
export function renderDrift(o: Extract<Outcome, { kind: "drift" }>): SlackMessage {
  const words = driftWords(o);
  return message(`⚠️ ${words.title}`, [
    header(`⚠️ ${words.title}`),
    section(words.lines.map(escapeText).join("\n")),
    context(`User ${code(o.user.id)} · operation ${code(o.operationId)}`),
  ]);
}
