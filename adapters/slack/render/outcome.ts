import type { Outcome } from "../../../src/notify/outcome.js";
import { renderApproval } from "./approval.js";
import type { SlackMessage } from "./blocks.js";
import { renderChange, renderProgress, renderSummary } from "./change.js";
import { renderDrift } from "./drift.js";
import { renderPaused } from "./paused.js";
import { renderAudit, renderConvertPlan, renderReport } from "./report.js";
import { renderStatus } from "./status.js";
import { renderReminder, renderText } from "./text.js";

export type { SlackMessage } from "./blocks.js";

/** Block Kit (with a plain-text fallback) for every kind of outcome the worker reports. */
export function renderOutcome(outcome: Outcome): SlackMessage {
  switch (outcome.kind) {
    case "text":
      return renderText(outcome);
    case "status":
      return renderStatus(outcome);
    case "change":
      return renderChange(outcome);
    case "approval":
      return renderApproval(outcome.approval);
    case "progress":
      return renderProgress(outcome);
    case "paused":
      return renderPaused(outcome);
    case "drift":
      return renderDrift(outcome);
    case "summary":
      return renderSummary(outcome);
    case "report":
      return renderReport(outcome);
    case "audit":
      return renderAudit(outcome);
    case "convertPlan":
      return renderConvertPlan(outcome);
    case "registerReminder":
      return renderReminder(outcome);
  }
}
