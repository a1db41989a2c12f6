import type { types } from "@slack/bolt";
import type { ApprovalView } from "../../../src/notify/outcome.js";
import { approvalSections, approvalTitle, quorumLine } from "../../../src/notify/words.js";
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../action-ids.js";
import { capPlain, escapeText } from "../escape.js";
import {
  type Block,
  bulletList,
  code,
  context,
  fields,
  header,
  LIMITS,
  message,
  type SlackMessage,
  section,
  slackDate,
} from "./blocks.js";
import { approvalStatus } from "./words.js";

/**
 * The approval card: what will change, who asked and why, and, while pending, Approve
 * (with a confirm dialog) and Reject. Once decided the buttons are gone and the card says
 * who decided, when, and what came of it. The buttons carry only the approval id.
 */
export function renderApproval(a: ApprovalView): SlackMessage {
  const what = approvalTitle(a);
  const blocks: Block[] = [header(`${a.status === "pending" ? "Approval needed" : "Approval"}: ${what}`)];
  const asked = [`*Requested by* ${escapeText(a.requester)}, ${slackDate(a.createdAt)}`];
  if (a.reason) asked.push(`*Reason:* ${escapeText(a.reason)}`);
  blocks.push(section(asked.join("\n")));
  blocks.push(
    fields([
      `*Will change*\n${a.counts.change}`,
      `*Already so*\n${a.counts.noop}`,
      `*Refused*\n${a.counts.refused}`,
      `*Not found*\n${a.counts.notFound}`,
      `*Must re-register*\n${a.counts.reregistrationNeeded}`,
    ]),
  );
  for (const part of approvalSections(a)) {
    const lines = part.entries.map((e) =>
      e.reason === undefined ? escapeText(e.name) : `${escapeText(e.name)}: ${escapeText(e.reason)}`,
    );
    blocks.push(section(`*${part.title}*\n${bulletList(lines, part.more)}`));
  }
  const notes = [
    ...a.approvalReasons.map((r) => `Needs approval: ${escapeText(r)}`),
    ...a.warnings.map((w) => `⚠️ ${escapeText(w)}`),
    ...(a.quorum ? [`*${escapeText(quorumLine(a.quorum))}*`] : []),
  ];
  if (notes.length > 0) blocks.push(section(notes.join("\n")));
  if (a.status === "pending") {
    blocks.push(buttons(a, what));
    blocks.push(
      context(`Approval ${code(a.id)} · expires ${slackDate(a.expiresAt)} · the requester cannot approve it`),
    );
  } else {
    blocks.push(section(decision(a)));
    blocks.push(context(`Approval ${code(a.id)}`));
  }
  const fallback =
    a.status === "pending"
      ? `Approval needed: ${what}, requested by ${escapeText(a.requester)}`
      : `${approvalStatus(a.status)}: ${what}`;
  return message(fallback, blocks);
}

function decision(a: ApprovalView): string {
  let line = approvalStatus(a.status);
  if (a.decidedBy) line += ` by ${escapeText(a.decidedBy)}`;
  if (a.decidedAt) line += `, ${slackDate(a.decidedAt)}`;
  if (a.outcomeText) line += `\n${escapeText(a.outcomeText)}`;
  return line;
}

function buttons(a: ApprovalView, what: string): types.ActionsBlock {
  return {
    type: "actions",
    block_id: "mfa_approval",
    elements: [
      {
        type: "button",
        action_id: APPROVE_ACTION_ID,
        style: "primary",
        value: a.id,
        text: { type: "plain_text", text: "Approve" },
        confirm: {
          title: { type: "plain_text", text: "Approve this change?" },
          text: {
            type: "plain_text",
            text: capPlain(`${what}. This runs at once and cannot be approved twice.`, LIMITS.confirmText),
          },
          confirm: { type: "plain_text", text: "Approve" },
          deny: { type: "plain_text", text: "Cancel" },
        },
      },
      {
        type: "button",
        action_id: REJECT_ACTION_ID,
        style: "danger",
        value: a.id,
        text: { type: "plain_text", text: "Reject" },
      },
    ],
  };
}
