import type { Outcome } from "../../../src/notify/outcome.js";
import { escapeText } from "../escape.js";
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
import { plural, stateLabel } from "./words.js";

type ReportOutcome = Extract<Outcome, { kind: "report" }>;
type AuditOutcome = Extract<Outcome, { kind: "audit" }>;
type ConvertPlanOutcome = Extract<Outcome, { kind: "convertPlan" }>;

/** How many code blocks of CSV a report shows before it says how many rows are left out. */
const CSV_BLOCKS = 8;
const CSV_BLOCK_CHARS = LIMITS.sectionText - 20;

/**
 * The report, with the CSV inline in code blocks (the app does not ask for files:write): a
 * tenant's first few hundred rows, and a count of the rest.
 */
export function renderReport(o: ReportOutcome): SlackMessage {
  const counts = Object.entries(o.counts).map(([state, n]) => `*${stateLabel(state)}*\n${n}`);
  const blocks: Block[] = [header(`Per-user MFA report: ${plural(o.total, "user")}`), fields(counts)];
  if (o.enabledUnregistered.length > 0) {
    blocks.push(
      section(
        `*Enabled but not registered* (${o.enabledUnregistered.length})\n${bulletList(o.enabledUnregistered.map(escapeText))}`,
      ),
    );
  }
  const { chunks, rowsLeft } = csvChunks(o.csv);
  for (const chunk of chunks) blocks.push(section(`\`\`\`${chunk}\`\`\``));
  if (rowsLeft > 0) blocks.push(context(`… ${plural(rowsLeft, "more CSV row")} not shown`));
  const summary = Object.entries(o.counts)
    .map(([state, n]) => `${stateLabel(state)}: ${n}`)
    .join(", ");
  return message(`Per-user MFA report: ${o.total} users (${summary})`, blocks);
}

function csvChunks(csv: string): { chunks: string[]; rowsLeft: number } {
  const rows = csv.split(/\r?\n/).filter((row) => row.length > 0);
  const chunks: string[] = [];
  let current = "";
  let index = 0;
  for (; index < rows.length; index++) {
    const row = escapeText(rows[index]!).replace(/```/g, "'''");
    if (current.length + row.length + 1 > CSV_BLOCK_CHARS) {
      if (current.length > 0) chunks.push(current);
      current = "";
      if (chunks.length === CSV_BLOCKS) break;
      // One row longer than a whole block is cut rather than dropped.
      if (row.length > CSV_BLOCK_CHARS) {
        chunks.push(`${row.slice(0, CSV_BLOCK_CHARS - 1)}…`);
        if (chunks.length === CSV_BLOCKS) {
          index++;
          break;
        }
        continue;
      }
    }
    current += current.length > 0 ? `\n${row}` : row;
  }
  if (current.length > 0 && chunks.length < CSV_BLOCKS) chunks.push(current);
  return { chunks, rowsLeft: rows.length - index };
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
