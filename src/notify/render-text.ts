import type { ApprovalView, Outcome } from "./outcome.js";
import {
  actionLabel,
  approvalSections,
  approvalStatusLabel,
  approvalTitle,
  driftWords,
  flagLabel,
  pauseWords,
  quorumLine,
  reminderWords,
  reportWords,
  stateLabel,
  statusDriftLine,
} from "./words.js";

/**
 * Plain text for any outcome: the console prints it. The words come from words.ts, as on
 * every platform.
 */
function list(label: string, names: string[], more = 0): string[] {
  if (names.length === 0) return [];
  const tail = more > 0 ? ` … and ${more} more` : "";
  return [`${label} (${names.length + more}): ${names.join(", ")}${tail}`];
}

export function renderApprovalText(a: ApprovalView): string {
  const lines = [
    `Approval ${a.id}: ${approvalTitle(a)}${a.bulk ? " (bulk)" : ""}, requested by ${a.requester}${a.reason ? ` — “${a.reason}”` : ""}`,
    `Will change ${a.counts.change}, unchanged ${a.counts.noop}, refused ${a.counts.refused}, not found ${a.counts.notFound}` +
      (a.counts.reregistrationNeeded ? `, re-registration needed ${a.counts.reregistrationNeeded}` : ""),
    ...approvalSections(a).flatMap((section) =>
      list(
        section.title,
        section.entries.map((e) => (e.reason ? `${e.name} (${e.reason})` : e.name)),
        section.more,
      ),
    ),
    ...a.approvalReasons.map((r) => `Needs approval: ${r}`),
    ...a.warnings.map((w) => `Warning: ${w}`),
    ...(a.quorum ? [quorumLine(a.quorum)] : []),
  ];
  if (a.status === "pending") {
    lines.push(`Expires ${a.expiresAt}. An approver answers: approve ${a.id} / reject ${a.id}`);
  } else {
    const by = a.decidedBy ? ` by ${a.decidedBy}` : "";
    const at = a.decidedAt ? ` at ${a.decidedAt}` : "";
    lines.push(
      `Status: ${approvalStatusLabel(a.status)}${by}${at}${a.outcomeText ? ` — ${a.outcomeText}` : ""}`,
    );
  }
  return lines.join("\n");
}

export function renderText(outcome: Outcome): string {
  switch (outcome.kind) {
    case "text":
      return `${outcome.tone === "error" ? "✖ " : outcome.tone === "warning" ? "⚠ " : ""}${outcome.title ? `${outcome.title}: ` : ""}${outcome.text}${outcome.operationId ? ` (operation ${outcome.operationId})` : ""}`;
    case "status": {
      const r = outcome.registration;
      const lines = [
        `${outcome.user.displayName ?? outcome.user.upn} <${outcome.user.upn}>: ${stateLabel(outcome.state)}`,
        `Registration: ${r.isMfaRegistered ? "registered" : "not registered"}${r.methods.length ? ` — methods: ${r.methods.join(", ")}` : ""}${r.defaultMethod ? ` (default: ${r.defaultMethod})` : ""}`,
        `Conditional Access: ${outcome.coverage.covered ? `MFA required by ${outcome.coverage.by.join(", ")}` : outcome.coverage.kind === "securityDefaults" ? "no enforcing policy; security defaults only prompt when necessary" : "no enforcing policy covers this user"}`,
      ];
      if (outcome.reregistrationNeeded)
        lines.push("⚠ Re-registration needed: the user must register their methods again.");
      if (outcome.isProtected) lines.push("🔒 Protected (break-glass) account: the bot never changes it.");
      if (outcome.drift) lines.push(`⚠ ${statusDriftLine(outcome.drift, outcome.state)}`);
      if (outcome.pendingApprovals.length)
        lines.push(`Pending approvals: ${outcome.pendingApprovals.join(", ")}`);
      if (outcome.lastChange) {
        const c = outcome.lastChange;
        lines.push(
          `Last change through the bot: ${c.action} ${c.from ? stateLabel(c.from) : "?"} → ${c.to ? stateLabel(c.to) : "?"} by ${c.actor} at ${c.at} (${c.operationId})`,
        );
      }
      return lines.join("\n");
    }
    case "change": {
      const lines = [`Operation ${outcome.operationId}: ${actionLabel(outcome.action)}`];
      for (const r of outcome.results) {
        const differs =
          r.ok && r.now && r.now !== r.requested
            ? ` (asked for ${stateLabel(r.requested)}; Graph reports ${stateLabel(r.now)})`
            : "";
        lines.push(
          r.ok
            ? `✔ ${r.upn}: ${stateLabel(r.from)} → ${stateLabel(r.now ?? r.requested)}${differs}`
            : `✖ ${r.upn}: ${r.error ?? "failed"}`,
        );
        if (r.methodsRemoved?.length) lines.push(`  removed methods: ${r.methodsRemoved.join(", ")}`);
        for (const f of r.methodsFailed ?? []) lines.push(`  could not remove ${f.method}: ${f.error}`);
        if (r.ok) for (const flag of r.flags) lines.push(`  ⚠ ${r.upn} ${flagLabel(flag)}`);
      }
      for (const u of outcome.unchanged) lines.push(`• ${u.upn}: unchanged — ${u.reason}`);
      for (const u of outcome.refused) lines.push(`✖ ${u.ref}: refused — ${u.reason}`);
      for (const ref of outcome.notFound) lines.push(`? ${ref}: no such user`);
      for (const w of outcome.warnings) lines.push(`⚠ ${w}`);
      return lines.join("\n");
    }
    case "approval":
      return renderApprovalText(outcome.approval);
    case "drift": {
      const words = driftWords(outcome);
      return [`⚠ ${words.title}`, ...words.lines].join("\n");
    }
    case "paused": {
      const words = pauseWords(outcome);
      return [
        `Operation ${outcome.operationId}: ${words.title}`,
        words.detail,
        ...list(
          "Failed",
          outcome.failures.users.map((f) => `${f.upn} (${f.reason})`),
          outcome.failures.more,
        ),
        words.answer,
      ].join("\n");
    }
    case "progress":
      return `Operation ${outcome.operationId}: ${actionLabel(outcome.action)} ${outcome.done}/${outcome.total} done${outcome.failed ? `, ${outcome.failed} failed` : ""}`;
    case "summary":
      return [
        `Operation ${outcome.operationId} finished: ${actionLabel(outcome.action)} — changed ${outcome.changed.length}, unchanged ${outcome.unchanged.length}, failed ${outcome.failed.length}, not found ${outcome.notFound.length}, refused ${outcome.refused.length}`,
        ...list(
          "Failed",
          outcome.failed.map((f) => `${f.upn} (${f.reason})`),
        ),
        ...list("Re-registration needed", outcome.reregistrationNeeded),
        ...list(
          "Now enforced (already registered)",
          outcome.changed.filter((c) => c.now === "enforced").map((c) => c.upn),
        ),
      ].join("\n");
    case "report": {
      const words = reportWords(outcome);
      return [
        `Per-user MFA across ${outcome.total} users: ${words.states}`,
        `MFA registration: ${words.registration}`,
        ...list(
          "Enabled but not registered",
          outcome.enabledUnregistered,
          outcome.enabledUnregisteredTotal - outcome.enabledUnregistered.length,
        ),
        ...(words.file ? [words.file] : []),
      ].join("\n");
    }
    case "audit":
      if (outcome.entries.length === 0) return `Audit for ${outcome.subject}: nothing recorded.`;
      return [
        `Audit for ${outcome.subject}:`,
        ...outcome.entries.map(
          (e) =>
            `${e.at} ${e.operationId} ${e.actor} ${e.action}${e.target ? ` ${e.target}` : ""}${e.before || e.after ? ` ${e.before ?? "?"} → ${e.after ?? "?"}` : ""}: ${e.result}`,
        ),
      ].join("\n");
    case "convertPlan":
      return [
        `${outcome.perUserCount} users still have per-user MFA.`,
        outcome.covered
          ? `Conditional Access requires MFA (${outcome.coveredBy.join(", ")}).`
          : "No enabled Conditional Access policy or security defaults require MFA for everyone yet.",
        ...outcome.notes,
        ...list("Not covered", outcome.uncovered),
        ...list("Excluded by a directory role (not converted)", outcome.excludedByRole ?? []),
        ...list(
          "Guests or external users a guest condition may leave out (not converted)",
          outcome.guests ?? [],
        ),
        ...list(
          "Security defaults only — they only prompt when necessary (an approver must acknowledge)",
          outcome.securityDefaultsOnly ?? [],
        ),
      ].join("\n");
    case "registerReminder": {
      const words = reminderWords(outcome);
      return [words.opening, words.howTo, ...(words.requestedBy ? [words.requestedBy] : [])].join("\n");
    }
  }
}
