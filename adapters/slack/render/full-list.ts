import { fullListParts } from "../../../src/notify/full-list.js";
import type { ApprovalView } from "../../../src/notify/outcome.js";
import { escapeText } from "../escape.js";

/** Slack's limit for one message's text is 40,000 characters; stay well inside it. */
const CHUNK = 3_500;

/**
 * The approval card shows the first names; this is everything, as thread replies under
 * the card, so an approver can check exactly who will change before clicking.
 */
export function fullListMessages(approval: ApprovalView): string[] {
  return fullListParts(approval, CHUNK, escapeText, (line) => line.length).map(
    (part) => `*${part.heading}*\n\`\`\`${part.lines.join("\n")}\`\`\``,
  );
}
