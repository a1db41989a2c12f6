import type { types } from "@slack/bolt";
import type { ApprovalView } from "../../../src/notify/outcome.js";
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
  plural,
  type SlackMessage,
  section,
  slackDate,
  userLabel,
} from "./blocks.js";
import { actionLabel } from "./words.js";

const DECIDED: Readonly<Record<Exclude<ApprovalView["status"], "pending">, string>> = {
  approved: "✅ Approved",
  rejected: "🚫 Rejected",
  expired: "⌛ Expired",
  superseded: "↩️ Superseded",
};

/**
 * The approval card: what will change, who asked and why, and, while pending, Approve
 * (with a confirm dialog) and Reject. Once decided the buttons are gone and the card says
 * who decided, when, and what came of it. The buttons carry only the approval id.
 */
export function renderApproval(a: ApprovalView): SlackMessage {
  const what = `${actionLabel(a.action)} for ${plural(a.counts.change, "user")}`;
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
  if (a.changes.users.length > 0) {
    blocks.push(section(`*Will change*\n${bulletList(a.changes.users.map(userLabel), a.changes.more)}`));
  }
  if (a.unchanged.users.length > 0) {
    const lines = a.unchanged.users.map((u) => `${userLabel(u)}: ${escapeText(u.reason)}`);
    blocks.push(section(`*Unchanged*\n${bulletList(lines, a.unchanged.more)}`));
  }
  if (a.refused.users.length > 0) {
    const lines = a.refused.users.map((u) => `${escapeText(u.ref)}: ${escapeText(u.reason)}`);
    blocks.push(section(`*Refused*\n${bulletList(lines, a.refused.more)}`));
  }
  if (a.notFound.refs.length > 0) {
    blocks.push(section(`*Not found*\n${bulletList(a.notFound.refs.map(escapeText), a.notFound.more)}`));
  }
  const notes = [
    ...a.approvalReasons.map((r) => `Needs approval: ${escapeText(r)}`),
    ...a.warnings.map((w) => `⚠️ ${escapeText(w)}`),
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
      : `${DECIDED[a.status]}: ${what}`;
  return message(fallback, blocks);
}

function decision(a: ApprovalView): string {
  const status = a.status as Exclude<ApprovalView["status"], "pending">;
  let line = DECIDED[status] ?? escapeText(status);
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
