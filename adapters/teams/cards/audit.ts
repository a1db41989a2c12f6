import type { AuditLine, Outcome } from "../../../src/notify/outcome.js";
import { type AdaptiveCard, adaptiveCard, heading, line, list, when } from "./elements.js";

type AuditOutcome = Extract<Outcome, { kind: "audit" }>;

function entryText(entry: AuditLine): string {
  const change = entry.before || entry.after ? ` ${entry.before ?? "?"} → ${entry.after ?? "?"}` : "";
  const target = entry.target ? ` ${entry.target}` : "";
  const approval = entry.approvalId ? `, approval ${entry.approvalId}` : "";
  return `${when(entry.at)} ${entry.actor}: ${entry.action}${target}${change} — ${entry.result} (operation ${entry.operationId}${approval})`;
}

export function auditCard(audit: AuditOutcome): AdaptiveCard {
  return adaptiveCard([
    heading(`Audit: ${audit.subject}`),
    ...(audit.entries.length === 0
      ? [line("No changes made through the bot.")]
      : list("Entries, newest first", audit.entries.map(entryText))),
  ]);
}
