import type { ApprovalView, Outcome } from "../../../src/notify/outcome.js";
import { decisionVerbs } from "../card-actions.js";
import {
  type AdaptiveCard,
  adaptiveCard,
  type CardElement,
  field,
  heading,
  line,
  list,
  subtle,
  type Tone,
  userLabel,
  when,
} from "./elements.js";

type ApprovalOutcome = Extract<Outcome, { kind: "approval" }>;

const STATUS_TEXT: Record<ApprovalView["status"], { text: string; tone: Tone }> = {
  pending: { text: "Approval needed", tone: "accent" },
  approved: { text: "Approved", tone: "good" },
  rejected: { text: "Rejected", tone: "attention" },
  expired: { text: "Expired", tone: "warning" },
  superseded: { text: "Superseded", tone: "warning" },
};

/**
 * The buttons carry only the approval id: the worker looks up the request, the plan and
 * who may decide. Action.Execute (Universal Actions) reaches the bot as an
 * `adaptiveCard/action` invoke; hosts without it fall back to Action.Submit, which has no
 * verb of its own, so the verb travels in its data.
 */
function decisionAction(approvalId: string, decision: "approve" | "reject"): CardElement {
  const verb = decisionVerbs[decision];
  const title = decision === "approve" ? "Approve" : "Reject";
  const style = decision === "approve" ? "positive" : "destructive";
  return {
    type: "Action.Execute",
    title,
    verb,
    style,
    data: { approvalId },
    fallback: { type: "Action.Submit", title, style, data: { approvalId, verb } },
  };
}

export function approvalCard({ approval }: ApprovalOutcome): AdaptiveCard {
  const status = STATUS_TEXT[approval.status];
  const { counts } = approval;
  const pending = approval.status === "pending";
  const body: CardElement[] = [
    heading(`${status.text}: ${approval.bulk ? "bulk " : ""}${approval.action}`, status.tone),
    field("Requested by", approval.requester),
    ...(approval.reason ? [field("Reason", approval.reason)] : []),
    field("Requested", when(approval.createdAt)),
    ...(pending ? [field("Expires", when(approval.expiresAt))] : []),
    line(
      `${counts.change} to change, ${counts.noop} already so, ${counts.refused} refused, ${counts.notFound} not found`,
    ),
    ...(counts.reregistrationNeeded > 0
      ? [field("Re-registration needed", String(counts.reregistrationNeeded), "warning")]
      : []),
    ...list("Will change", approval.changes.users.map(userLabel), approval.changes.more),
    ...list(
      "Unchanged",
      approval.unchanged.users.map((u) => `${userLabel(u)}: ${u.reason}`),
      approval.unchanged.more,
    ),
    ...list(
      "Refused",
      approval.refused.users.map((u) => `${u.ref}: ${u.reason}`),
      approval.refused.more,
      "attention",
    ),
    ...list("Not found", approval.notFound.refs, approval.notFound.more, "warning"),
    ...list("Why approval is needed", approval.approvalReasons),
    ...list("Warnings", approval.warnings, 0, "warning"),
  ];
  if (!pending) {
    const who = [
      approval.decidedBy ? `by ${approval.decidedBy}` : "",
      approval.decidedAt ? when(approval.decidedAt) : "",
    ].filter((part) => part !== "");
    body.push(field(status.text, who.join(", ") || "—", status.tone));
    if (approval.outcomeText) body.push(line(approval.outcomeText));
  }
  body.push(subtle(`approval ${approval.id}`));
  if (!pending) return adaptiveCard(body);
  return adaptiveCard(
    body,
    [decisionAction(approval.id, "approve"), decisionAction(approval.id, "reject")],
    [`To decide, type: mfa approve ${approval.id}  or  mfa reject ${approval.id}`],
  );
}
