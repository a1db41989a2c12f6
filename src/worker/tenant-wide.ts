import type { z } from "zod";
import type { convertModeSchema } from "../core/command.js";
import type { Actor } from "../core/roles.js";
import type { RequestJob } from "../queue/jobs.js";
import { reportChart } from "../report/chart.js";
import { writeReportCsv } from "../report/csv-file.js";
import { discardFile, type OutgoingFile } from "../report/outgoing-file.js";
import type { WorkerDeps } from "./deps.js";
import { mapLimit } from "./map-limit.js";
import { notifierFor, reply } from "./notify.js";
import { reportRows } from "./report-rows.js";
import { submitChange } from "./submit-change.js";
import { type TenantRow, tenantRows } from "./tenant-rows.js";

/** `report`: counts by state, who is Enabled but not registered, a chart, and a CSV file of everyone. */
export async function showReport(deps: WorkerDeps, job: RequestJob): Promise<void> {
  const day = deps.now().toISOString().slice(0, 10);
  const csv = await writeReportCsv(reportRows(deps), `mfa-report-${day}.csv`);
  const files: OutgoingFile[] = [csv.file];
  try {
    try {
      files.push(await reportChart(csv.tally));
    } catch (err) {
      // The chart only repeats the counts the message gives in words: the report goes without it.
      deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "report: no chart");
    }
    const { tally } = csv;
    await notifierFor(deps, job.replyTo.platform).share(
      job.replyTo,
      {
        kind: "report",
        counts: tally.counts,
        total: tally.total,
        registration: tally.registration,
        enabledUnregistered: tally.enabledUnregistered,
        enabledUnregisteredTotal: tally.enabledUnregisteredTotal,
        csv: { filename: csv.file.filename, lines: csv.lines },
      },
      files,
    );
  } finally {
    await Promise.all(files.map(discardFile));
  }
}

/**
 * `convert plan`: who still has per-user MFA, and whether Conditional Access (or security
 * defaults) requires MFA of each of them — the check before switching per-user MFA off.
 * `convert execute`: the same users, planned as the `convert` action (approval by policy);
 * the engine refuses anyone Conditional Access does not cover.
 */
export async function convert(
  deps: WorkerDeps,
  job: RequestJob,
  actor: Actor,
  mode: z.infer<typeof convertModeSchema>,
  reason?: string,
) {
  const perUser: TenantRow[] = [];
  for await (const rows of tenantRows(deps, { registration: false })) {
    perUser.push(...rows.filter((u) => u.state === "enabled" || u.state === "enforced"));
  }
  if (mode === "execute") {
    if (perUser.length === 0) {
      await reply(deps, job.replyTo, {
        kind: "text",
        tone: "info",
        text: "Nobody has per-user MFA: nothing to convert.",
      });
      return;
    }
    await submitChange(deps, job, actor, {
      action: "convert",
      bulk: true,
      targets: perUser.map(({ user }) => ({
        kind: "objectId",
        id: user.id,
        label: user.userPrincipalName.toLowerCase(),
      })),
      ...(reason ? { reason } : {}),
    });
    return;
  }
  // The check before switching per-user MFA off: policies as they are now, not as cached.
  deps.directory.forgetPolicies();
  const coverage = await mapLimit(perUser, deps.settings.lookupConcurrency, (u) =>
    deps.directory.mfaCoverage(u.user.id),
  );
  const by = new Set(coverage.flatMap((c) => (c.kind === "conditionalAccess" ? c.by : [])));
  const notes = [...new Set(coverage.flatMap((c) => c.notes))].slice(0, 10);
  // Each user once, under the first that fits: what `convert execute` will do differs by group.
  const groups = { securityDefaultsOnly: [], excludedByRole: [], guests: [], uncovered: [] } as Record<
    "securityDefaultsOnly" | "excludedByRole" | "guests" | "uncovered",
    string[]
  >;
  perUser.forEach((u, i) => {
    const c = coverage[i];
    if (!c || c.covered) return;
    const upn = u.user.userPrincipalName.toLowerCase();
    if (c.kind === "securityDefaults") groups.securityDefaultsOnly.push(upn);
    else if (c.gaps.includes("excludedByRole")) groups.excludedByRole.push(upn);
    else if (c.gaps.includes("guestOrExternalUser")) groups.guests.push(upn);
    else groups.uncovered.push(upn);
  });
  await reply(deps, job.replyTo, {
    kind: "convertPlan",
    perUserCount: perUser.length,
    covered: coverage.every((c) => c.covered),
    coveredBy: [...by],
    notes,
    ...groups,
  });
}
