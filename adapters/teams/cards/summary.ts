import type { Outcome } from "../../../src/notify/outcome.js";
import { actionLabel, stateLabel } from "../../../src/notify/words.js";
import { type AdaptiveCard, adaptiveCard, heading, line, list, subtle, userLabel } from "./elements.js";

type SummaryOutcome = Extract<Outcome, { kind: "summary" }>;

export function summaryCard(summary: SummaryOutcome): AdaptiveCard {
  const failed = summary.failed.length;
  return adaptiveCard([
    heading(`${actionLabel(summary.action)}: finished`, failed > 0 ? "warning" : "good"),
    line(
      `${summary.changed.length} changed, ${summary.unchanged.length} unchanged, ${failed} failed, ` +
        `${summary.notFound.length} not found, ${summary.refused.length} refused`,
    ),
    ...list(
      "Changed (state now, as Microsoft Graph reports it)",
      summary.changed.map((u) => `${userLabel(u)}: ${stateLabel(u.now)}`),
    ),
    ...list("Must re-register", summary.reregistrationNeeded, 0, "warning"),
    ...list(
      "Failed",
      summary.failed.map((f) => `${f.upn}: ${f.reason}`),
      0,
      "attention",
    ),
    ...list(
      "Unchanged",
      summary.unchanged.map((u) => `${userLabel(u)}: ${u.reason}`),
    ),
    ...list(
      "Refused",
      summary.refused.map((r) => `${r.ref}: ${r.reason}`),
      0,
      "attention",
    ),
    ...list("Not found", summary.notFound, 0, "warning"),
    subtle(`operation ${summary.operationId}`),
  ]);
}
