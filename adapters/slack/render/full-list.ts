import type { ApprovalView } from "../../../src/notify/outcome.js";
import { escapeText } from "../escape.js";

/** Slack's limit for one message's text is 40,000 characters; stay well inside it. */
const CHUNK = 3_500;

/**
 * The approval card shows the first names; this is everything, as thread replies under
 * the card, so an approver can check exactly who will change before clicking.
 */
export function fullListMessages(approval: ApprovalView): string[] {
  const all = approval.allNames;
  if (!all) return [];
  const sections: Array<[string, string[]]> = [
    ["Will change", all.change],
    ["Unchanged", all.unchanged],
    ["Refused", all.refused],
    ["Not found", all.notFound],
  ];
  const messages: string[] = [];
  for (const [title, names] of sections) {
    if (names.length === 0) continue;
    let lines: string[] = [];
    let size = 0;
    let part = 1;
    const flush = () => {
      const heading = `*${title}* (${names.length})${part > 1 ? `, continued` : ""}`;
      messages.push(`${heading}\n\`\`\`${lines.join("\n")}\`\`\``);
      lines = [];
      size = 0;
      part++;
    };
    for (const name of names) {
      const line = escapeText(name);
      if (size + line.length + 1 > CHUNK && lines.length > 0) flush();
      lines.push(line);
      size += line.length + 1;
    }
    if (lines.length > 0) flush();
  }
  return messages;
}
