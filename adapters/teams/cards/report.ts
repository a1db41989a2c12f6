import type { Outcome } from "../../../src/notify/outcome.js";
import { stateLabel } from "../../../src/notify/words.js";
import { type AdaptiveCard, adaptiveCard, field, heading, list, monospace, subtle } from "./elements.js";
import { stateTone } from "./status.js";

type ReportOutcome = Extract<Outcome, { kind: "report" }>;

/** A card holds about 28 KB: the CSV is shown in part, with how many rows were left out. */
const CSV_PREVIEW_ROWS = 25;

export function reportCard(report: ReportOutcome): AdaptiveCard {
  const rows = report.csv.split(/\r?\n/).filter((row) => row !== "");
  const preview = rows.slice(0, CSV_PREVIEW_ROWS + 1);
  const hidden = rows.length - preview.length;
  return adaptiveCard([
    heading("Per-user MFA report"),
    field("Users", String(report.total)),
    ...Object.entries(report.counts).map(([state, count]) =>
      field(stateLabel(state), String(count), stateTone(state)),
    ),
    ...list("Enabled but not registered", report.enabledUnregistered, 0, "warning"),
    ...(preview.length > 0 ? [subtle("CSV"), monospace(preview)] : []),
    ...(hidden > 0 ? [subtle(`…${hidden} more CSV rows not shown`)] : []),
  ]);
}
