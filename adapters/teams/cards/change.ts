import type { ChangeResultLine, Outcome } from "../../../src/notify/outcome.js";
import { actionLabel, flagLabel, stateLabel } from "../../../src/notify/words.js";
import { type AdaptiveCard, adaptiveCard, heading, list, subtle, userLabel } from "./elements.js";

type ChangeOutcome = Extract<Outcome, { kind: "change" }>;

function resultText(result: ChangeResultLine): string {
  if (!result.ok) return `${result.upn}: failed (${result.error ?? "unknown error"})`;
  const now = result.now ?? result.requested;
  const differs = result.now !== undefined && result.now !== result.requested;
  const flags = result.flags.map(flagLabel);
  const methods = [
    ...(result.methodsRemoved?.length ? [`removed ${result.methodsRemoved.join(", ")}`] : []),
    ...(result.methodsFailed?.length
      ? [`could not remove ${result.methodsFailed.map((m) => `${m.method} (${m.error})`).join(", ")}`]
      : []),
  ];
  const notes = [...(differs ? [`asked for ${stateLabel(result.requested)}`] : []), ...flags, ...methods];
  return `${result.upn}: ${stateLabel(result.from)} → ${stateLabel(now)}${notes.length ? ` (${notes.join("; ")})` : ""}`;
}

export function changeCard(change: ChangeOutcome): AdaptiveCard {
  const failed = change.results.some((r) => !r.ok);
  return adaptiveCard([
    heading(
      `${actionLabel(change.action)}: ${failed ? "done with errors" : "done"}`,
      failed ? "warning" : "good",
    ),
    ...list("Result (state read back from Microsoft Graph)", change.results.map(resultText)),
    ...list(
      "Unchanged",
      change.unchanged.map((u) => `${userLabel(u)}: ${u.reason}`),
    ),
    ...list(
      "Refused",
      change.refused.map((r) => `${r.ref}: ${r.reason}`),
      0,
      "attention",
    ),
    ...list("Not found", change.notFound, 0, "warning"),
    ...list("Warnings", change.warnings, 0, "warning"),
    subtle(`operation ${change.operationId}`),
  ]);
}
