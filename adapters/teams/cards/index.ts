import type { Outcome } from "../../../src/notify/outcome.js";
import {
  actionLabel,
  approvalStatusLabel,
  approvalTitle,
  driftWords,
  pauseWords,
  reminderWords,
  stateLabel,
} from "../../../src/notify/words.js";
import { approvalCard } from "./approval.js";
import { auditCard } from "./audit.js";
import { changeCard } from "./change.js";
import { convertPlanCard } from "./convert-plan.js";
import { driftCard } from "./drift.js";
import { type AdaptiveCard, clean, userLabel } from "./elements.js";
import { pausedCard } from "./paused.js";
import { progressCard } from "./progress.js";
import { registerReminderCard } from "./register-reminder.js";
import { reportCard } from "./report.js";
import { statusCard } from "./status.js";
import { summaryCard } from "./summary.js";
import { textCard } from "./text.js";

export type { AdaptiveCard } from "./elements.js";

export interface RenderedOutcome {
  card: AdaptiveCard;
  /** One line for notifications and the activity feed. */
  summary: string;
}

export function renderOutcome(outcome: Outcome): RenderedOutcome {
  const { card, summary } = render(outcome);
  return { card, summary: clean(summary, 200) };
}

function render(outcome: Outcome): RenderedOutcome {
  switch (outcome.kind) {
    case "text":
      return { card: textCard(outcome), summary: outcome.title ?? firstLine(outcome.text) };
    case "status":
      return {
        card: statusCard(outcome),
        summary: `MFA status of ${userLabel(outcome.user)}: ${stateLabel(outcome.state)}`,
      };
    case "change":
      return {
        card: changeCard(outcome),
        summary: `${actionLabel(outcome.action)}: done (operation ${outcome.operationId})`,
      };
    case "approval":
      return {
        card: approvalCard(outcome),
        summary: `${approvalStatusLabel(outcome.approval.status)}: ${approvalTitle(outcome.approval)}, requested by ${outcome.approval.requester}`,
      };
    case "progress":
      return {
        card: progressCard(outcome),
        summary: `${actionLabel(outcome.action)}: ${outcome.done} of ${outcome.total} done`,
      };
    case "paused":
      return { card: pausedCard(outcome), summary: pauseWords(outcome).title };
    case "drift":
      return { card: driftCard(outcome), summary: driftWords(outcome).title };
    case "summary":
      return {
        card: summaryCard(outcome),
        summary: `${actionLabel(outcome.action)}: finished (operation ${outcome.operationId})`,
      };
    case "report":
      return { card: reportCard(outcome), summary: `Per-user MFA report: ${outcome.total} users` };
    case "audit":
      return { card: auditCard(outcome), summary: `Audit: ${outcome.subject}` };
    case "convertPlan":
      return { card: convertPlanCard(outcome), summary: "Conditional Access conversion plan" };
    case "registerReminder":
      return { card: registerReminderCard(outcome), summary: reminderWords(outcome).title };
  }
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? "";
}
