import type { Outcome } from "../../../src/notify/outcome.js";
import { escapeText } from "../escape.js";
import {
  type Block,
  bulletList,
  code,
  context,
  fields,
  header,
  message,
  type SlackMessage,
  section,
  slackDate,
} from "./blocks.js";
import { plural, reportWords, stateLabel } from "./words.js";

type ReportOutcome = Extract<Outcome, { kind: "report" }>;
type AuditOutcome = Extract<Outcome, { kind: "audit" }>;
type ConvertPlanOutcome = Extract<Outcome, { kind: "convertPlan" }>;

/**
 * The report: counts by state and by registration, the first Enabled-but-unregistered users
 * with a count of the rest, and a line naming the CSV file that comes with it (every user).
 */
export function renderReport(o: ReportOutcome): SlackMessage {
  const words = reportWords(o);
  const counts = Object.entries(o.counts).map(([state, n]) => `*${stateLabel(state)}*\n${n}`);
  const blocks: Block[] = [
    header(`Per-user MFA report: ${plural(o.total, "user")}`),
    fields(counts),
    section(`*MFA registration:* ${escapeText(words.registration)}`),
  ];
  if (o.enabledUnregisteredTotal > 0) {
    const more = o.enabledUnregisteredTotal - o.enabledUnregistered.length;
    blocks.push(
      section(
        `*Enabled but not registered* (${o.enabledUnregisteredTotal})\n${bulletList(o.enabledUnregistered.map(escapeText))}`,
      ),
    );
    if (more > 0) blocks.push(context(`… and ${plural(more, "more user")}: every one is in the CSV`));
  }
  if (words.file) blocks.push(context(escapeText(words.file)));
  return message(`Per-user MFA report: ${o.total} users (${words.states})`, blocks);
}

export function renderAudit(o: AuditOutcome): SlackMessage {
  const lines = o.entries.map((e) => {
    const target = e.target ? ` ${escapeText(e.target)}` : "";
    const move =
      e.before || e.after ? ` (${escapeText(e.before ?? "?")} → ${escapeText(e.after ?? "?")})` : "";
    const approval = e.approvalId ? `, approval ${code(e.approvalId)}` : "";
    return `${slackDate(e.at)} ${code(e.operationId)} ${escapeText(e.actor)}: ${escapeText(e.action)}${target}${move} — ${escapeText(e.result)}${approval}`;
  });
  const blocks: Block[] = [
    section(
      `*Audit: ${escapeText(o.subject)}*\n${lines.length > 0 ? bulletList(lines) : "No changes were made through the bot."}`,
    ),
  ];
  return message(
    `Audit of ${escapeText(o.subject)}: ${plural(o.entries.length, "entry", "entries")}`,
    blocks,
  );
}

export function renderConvertPlan(o: ConvertPlanOutcome): SlackMessage {
  const coverage = o.covered
    ? `✅ MFA is required by Conditional Access${o.coveredBy.length ? `: ${o.coveredBy.map(escapeText).join(", ")}` : ""}`
    : "⚠️ No enabled Conditional Access policy (or security defaults) requires MFA for everyone. Set one up before turning per-user MFA off, or those users are left with no MFA.";
  const blocks: Block[] = [
    header("Move from per-user MFA to Conditional Access"),
    section(`Per-user MFA is still on for *${plural(o.perUserCount, "user")}*.\n${coverage}`),
  ];
  if (o.notes.length > 0) blocks.push(section(bulletList(o.notes.map(escapeText))));
  if (o.uncovered.length > 0) {
    blocks.push(section(`*Not covered by Conditional Access*\n${bulletList(o.uncovered.map(escapeText))}`));
  }
  for (const [title, names] of [
    ["Excluded by a directory role (not converted)", o.excludedByRole ?? []],
    ["Guests or external users a guest condition may leave out (not converted)", o.guests ?? []],
    [
      "Security defaults only: they only prompt when necessary (an approver must acknowledge)",
      o.securityDefaultsOnly ?? [],
    ],
  ] as const) {
    if (names.length > 0) blocks.push(section(`*${title}*\n${bulletList(names.map(escapeText))}`));
  }
  blocks.push(
    context(`Next: ${code("/mfa convert execute")} sets everyone to Disabled, once an approver agrees.`),
  );
  return message(
    `Conversion plan: ${o.perUserCount} users with per-user MFA; ${o.covered ? "covered" : "not covered"} by Conditional Access`,
    blocks,
  );
}
