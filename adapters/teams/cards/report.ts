import type { Outcome } from "../../../src/notify/outcome.js";
import { reportWords, stateLabel } from "../../../src/notify/words.js";
import { type AdaptiveCard, adaptiveCard, field, heading, list, subtle } from "./elements.js";
import { stateTone } from "./status.js";

type ReportOutcome = Extract<Outcome, { kind: "report" }>;

/** Counts, the first Enabled-but-unregistered users and how many more; every user is in the CSV. */
export function reportCard(report: ReportOutcome): AdaptiveCard {
  const words = reportWords(report);
  return adaptiveCard([
    heading("Per-user MFA report"),
    field("Users", String(report.total)),
    ...Object.entries(report.counts).map(([state, count]) =>
      field(stateLabel(state), String(count), stateTone(state)),
    ),
    field("MFA registration", words.registration),
    ...list(
      "Enabled but not registered",
      report.enabledUnregistered,
      report.enabledUnregisteredTotal - report.enabledUnregistered.length,
      "warning",
    ),
    ...(words.file ? [subtle(words.file)] : []),
  ]);
}
