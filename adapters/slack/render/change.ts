import type { ChangeResultLine, Outcome } from "../../../src/notify/outcome.js";
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
} from "./blocks.js";
import { actionLabel, flagLabel, plural, stateLabel, userLabel } from "./words.js";

type ChangeOutcome = Extract<Outcome, { kind: "change" }>;
type ProgressOutcome = Extract<Outcome, { kind: "progress" }>;
type SummaryOutcome = Extract<Outcome, { kind: "summary" }>;

/** The result of a change: what Graph reports now (read back), not only what was asked. */
export function renderChange(o: ChangeOutcome): SlackMessage {
  const ok = o.results.filter((r) => r.ok).length;
  const failed = o.results.length - ok;
  const blocks: Block[] = [];
  if (o.results.length > 0) {
    blocks.push(section(`*${actionLabel(o.action)}*\n${bulletList(o.results.map(resultLine))}`));
  } else {
    blocks.push(section(`*${actionLabel(o.action)}*: nothing to change`));
  }
  const warnings = [...flagWarnings(o.results), ...o.warnings.map((w) => `⚠️ ${escapeText(w)}`)];
  if (warnings.length > 0) blocks.push(section(bulletList(warnings)));
  appendLeftOut(blocks, o);
  blocks.push(context(`Operation ${code(o.operationId)} · undo with ${code(`/mfa undo ${o.operationId}`)}`));
  const first = o.results[0];
  const fallback =
    o.results.length === 1 && first
      ? `${actionLabel(o.action)}: ${escapeText(first.upn)} ${first.ok ? `is now ${stateLabel(first.now ?? first.requested)}` : `failed: ${escapeText(first.error ?? "unknown error")}`}`
      : `${actionLabel(o.action)}: ${ok} done, ${failed} failed`;
  return message(fallback, blocks);
}

function resultLine(r: ChangeResultLine): string {
  const who = `*${escapeText(r.upn)}*`;
  if (!r.ok) return `${who}: ❌ failed${r.error ? ` — ${escapeText(r.error)}` : ""}`;
  const now = r.now ?? r.requested;
  let line = `${who}: ${stateLabel(r.from)} → ${stateLabel(now)}`;
  if (r.now !== undefined && r.now !== r.requested) {
    line += ` _(asked for ${stateLabel(r.requested)}; Microsoft Entra reports ${stateLabel(r.now)})_`;
  }
  if (r.methodsRemoved && r.methodsRemoved.length > 0) {
    line += `\n    removed: ${r.methodsRemoved.map(escapeText).join(", ")}`;
  }
  if (r.methodsFailed && r.methodsFailed.length > 0) {
    line += `\n    ⚠️ not removed: ${r.methodsFailed.map((m) => `${escapeText(m.method)} (${escapeText(m.error)})`).join(", ")}`;
  }
  return line;
}

function flagWarnings(results: ChangeResultLine[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    for (const flag of r.flags) out.push(`⚠️ ${escapeText(r.upn)} ${flagLabel(flag)}`);
  }
  return out;
}

function appendLeftOut(blocks: Block[], o: Pick<ChangeOutcome, "unchanged" | "refused" | "notFound">): void {
  if (o.unchanged.length > 0) {
    const lines = o.unchanged.map((u) => `${userLabel(u)}: ${escapeText(u.reason)}`);
    blocks.push(section(`*Unchanged*\n${bulletList(lines)}`));
  }
  if (o.refused.length > 0) {
    const lines = o.refused.map((r) => `${escapeText(r.ref)}: ${escapeText(r.reason)}`);
    blocks.push(section(`*Refused*\n${bulletList(lines)}`));
  }
  if (o.notFound.length > 0) {
    blocks.push(section(`*Not found*\n${bulletList(o.notFound.map(escapeText))}`));
  }
}

const BAR_WIDTH = 20;

/** One message edited in place as a bulk change runs. */
export function renderProgress(o: ProgressOutcome): SlackMessage {
  const total = Math.max(o.total, 0);
  const done = Math.min(Math.max(o.done, 0), total);
  const ratio = total === 0 ? 1 : done / total;
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = `${"▓".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}`;
  const line = `${actionLabel(o.action)}: ${done} of ${total} done${o.failed > 0 ? `, ${o.failed} failed` : ""}`;
  return message(`⏳ ${line}`, [
    section(`⏳ *${line}*\n\`${bar}\` ${Math.floor(ratio * 100)}%`),
    context(`Operation ${code(o.operationId)}`),
  ]);
}

/** The final word on a bulk change. */
export function renderSummary(o: SummaryOutcome): SlackMessage {
  const failedIcon = o.failed.length > 0 ? "⚠️" : "✅";
  const title = `${actionLabel(o.action)}: done`;
  const blocks: Block[] = [
    header(`${failedIcon} ${title}`),
    fields([
      `*Changed*\n${o.changed.length}`,
      `*Unchanged*\n${o.unchanged.length}`,
      `*Failed*\n${o.failed.length}`,
      `*Must re-register*\n${o.reregistrationNeeded.length}`,
      `*Not found*\n${o.notFound.length}`,
      `*Refused*\n${o.refused.length}`,
    ]),
  ];
  if (o.changed.length > 0) {
    const lines = o.changed.map((u) => `${userLabel(u)}: ${stateLabel(u.now)}`);
    blocks.push(section(`*Changed*\n${bulletList(lines)}`));
  }
  if (o.failed.length > 0) {
    const lines = o.failed.map((f) => `${escapeText(f.upn)}: ${escapeText(f.reason)}`);
    blocks.push(section(`*Failed*\n${bulletList(lines)}`));
  }
  if (o.reregistrationNeeded.length > 0) {
    blocks.push(
      section(
        `*Must register again* (they stay Enabled until they do; they will be reminded)\n${bulletList(o.reregistrationNeeded.map(escapeText))}`,
      ),
    );
  }
  appendLeftOut(blocks, o);
  blocks.push(context(`Operation ${code(o.operationId)} · undo with ${code(`/mfa undo ${o.operationId}`)}`));
  const fallback = `${title}: ${plural(o.changed.length, "user")} changed, ${o.failed.length} failed`;
  return message(fallback, blocks);
}
