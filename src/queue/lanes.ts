import type { AnyJob } from "./jobs.js";

/**
 * Interactive work first. A person's command (status, a single change, an approval click)
 * is `interactive`; a bulk's preview, reminders, digests, drift sweeps, `report` and
 * `convert` are `bulk`.
 * The lane decides two things: the job's BullMQ priority (interactive jobs carry none, and
 * BullMQ takes jobs without a priority before prioritized ones, so a backlog of 10,000
 * reminders never holds up a status), and the Graph budget lane the job's calls draw in
 * (src/directory/graph/lane.ts). An apply job is interactive here; the apply itself moves a
 * bulk operation's Graph calls to the bulk lane (handle-apply.ts).
 */
export type JobLane = "interactive" | "bulk";

const BULK_VERBS: ReadonlySet<string> = new Set(["bulk-enable", "report", "convert"]);

export function laneOfJob(job: AnyJob): JobLane {
  switch (job.kind) {
    case "reminder":
    case "digest":
    case "driftSweep":
      return "bulk";
    case "request":
      return BULK_VERBS.has(job.command.verb) ? "bulk" : "interactive";
    default:
      return "interactive";
  }
}

/** BullMQ priority of bulk jobs (1 is the highest BullMQ knows; none is higher still). */
export const BULK_PRIORITY = 100;
