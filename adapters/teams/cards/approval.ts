import type { ApprovalStatus } from "../../../src/core/statuses.js";
import { type DecisionVerb, verbsTaking } from "../../../src/core/verbs.js";
import type { Outcome } from "../../../src/notify/outcome.js";
import type { ApprovalSectionKey } from "../../../src/notify/words.js";
import {
  approvalSections,
  approvalStatusLabel,
  approvalTitle,
  quorumLine,
} from "../../../src/notify/words.js";
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
  when,
} from "./elements.js";

type ApprovalOutcome = Extract<Outcome, { kind: "approval" }>;

/** Teams' colour for each status; the words are the shared ones (src/notify/words.ts). */
const STATUS_TONE: Readonly<Record<ApprovalStatus, Tone>> = {
  pending: "accent",
  approved: "good",
  rejected: "attention",
  expired: "warning",
  superseded: "warning",
};

const SECTION_TONE: Readonly<Record<ApprovalSectionKey, Tone | undefined>> = {
  change: undefined,
  unchanged: undefined,
  refused: "attention",
  notFound: "warning",
};

/**
 * The buttons carry only the approval id: the worker looks up the request, the plan and
 * who may decide. Action.Execute (Universal Actions) reaches the bot as an
 * `adaptiveCard/action` invoke; hosts without it fall back to Action.Submit, which has no
 * verb of its own, so the verb travels in its data.
 */
const BUTTONS: Readonly<Record<DecisionVerb, { title: string; style: "positive" | "destructive" }>> = {
  approve: { title: "Approve", style: "positive" },
  reject: { title: "Reject", style: "destructive" },
};

function decisionAction(approvalId: string, decision: DecisionVerb): CardElement {
  const verb = decisionVerbs[decision];
  const { title, style } = BUTTONS[decision];
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
  const status = { text: approvalStatusLabel(approval.status), tone: STATUS_TONE[approval.status] };
  const { counts } = approval;
  const pending = approval.status === "pending";
  const body: CardElement[] = [
    heading(`${status.text}: ${approvalTitle(approval)}`, status.tone),
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
    ...approvalSections(approval).flatMap((part) =>
      list(
        part.title,
        part.entries.map((e) => (e.reason === undefined ? e.name : `${e.name}: ${e.reason}`)),
        part.more,
        SECTION_TONE[part.key],
      ),
    ),
    ...list("Why approval is needed", approval.approvalReasons),
    ...list("Warnings", approval.warnings, 0, "warning"),
    ...(approval.quorum ? [line(quorumLine(approval.quorum))] : []),
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
    verbsTaking("approval").map((decision) => decisionAction(approval.id, decision)),
    [
      `To decide, type: ${verbsTaking("approval")
        .map((decision) => `mfa ${decision} ${approval.id}`)
        .join("  or  ")}`,
    ],
  );
}
