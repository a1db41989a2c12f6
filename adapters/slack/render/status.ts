import type { Outcome } from "../../../src/notify/outcome.js";
import { statusDriftLine } from "../../../src/notify/words.js";
import { escapeText } from "../escape.js";
import {
  type Block,
  bulletList,
  code,
  context,
  fields,
  message,
  type SlackMessage,
  section,
  slackDate,
} from "./blocks.js";
import { stateLabel, userLabel } from "./words.js";

type StatusOutcome = Extract<Outcome, { kind: "status" }>;

export function renderStatus(o: StatusOutcome): SlackMessage {
  const who = userLabel(o.user);
  const reg = o.registration;
  const blocks: Block[] = [
    section(`*${who}*`),
    fields([
      `*Per-user MFA*\n${stateLabel(o.state)}`,
      `*Registered for MFA*\n${reg.isMfaRegistered ? "✅ Yes" : "❌ No"}`,
      `*Methods*\n${reg.methods.length > 0 ? reg.methods.map(escapeText).join(", ") : "none"}`,
      `*Default method*\n${reg.defaultMethod ? escapeText(reg.defaultMethod) : "none"}`,
    ]),
  ];
  const warnings: string[] = [];
  if (o.reregistrationNeeded) {
    warnings.push(
      "⚠️ *Re-registration needed*: the user must register their MFA methods again at next sign-in.",
    );
  }
  if (o.isProtected) {
    warnings.push("🛡️ *Protected account* (break-glass): no command changes it.");
  }
  if (warnings.length > 0) blocks.push(section(warnings.join("\n")));
  const coverage = o.coverage.covered
    ? `✅ Conditional Access requires MFA${o.coverage.by.length ? ` (${o.coverage.by.map(escapeText).join(", ")})` : ""}`
    : o.coverage.kind === "securityDefaults"
      ? "🟡 No Conditional Access policy; security defaults only prompt when necessary, not at every sign-in"
      : "➖ No Conditional Access policy or security defaults require MFA for this user";
  const notes = o.coverage.notes.map((n) => escapeText(n));
  blocks.push(section([coverage, ...notes.map((n) => `_${n}_`)].join("\n")));
  if (o.drift) blocks.push(section(`⚠️ ${escapeText(statusDriftLine(o.drift, o.state))}`));
  if (o.pendingApprovals.length > 0) {
    blocks.push(section(`*Pending approvals*\n${bulletList(o.pendingApprovals.map(code))}`));
  }
  const footer: string[] = [];
  if (o.lastChange) {
    const c = o.lastChange;
    const move =
      c.from || c.to ? ` (${c.from ? stateLabel(c.from) : "?"} → ${c.to ? stateLabel(c.to) : "?"})` : "";
    footer.push(
      `Last change through the bot: ${escapeText(c.action)}${move} by ${escapeText(c.actor)}, ${slackDate(c.at)}, operation ${code(c.operationId)}`,
    );
  }
  footer.push(`Entra object id ${code(o.user.id)}`);
  blocks.push(context(...footer));
  const fallback = `${userLabel(o.user)}: ${stateLabel(o.state)}${o.reregistrationNeeded ? " (re-registration needed)" : ""}${o.isProtected ? " (protected)" : ""}`;
  return message(fallback, blocks);
}
