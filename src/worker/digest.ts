import type { ReplyAddress } from "../notify/port.js";
import type { DigestJob } from "../queue/jobs.js";
import type { WorkerDeps } from "./deps.js";
import { post, reply, textOutcome } from "./notify.js";

/** Names a digest lists before "and N more". */
const DIGEST_NAMES = 50;

export interface DigestEntry {
  /** What the lines are about, and for which operation: `unreachable:k7m3qx2p`. */
  topic: string;
  line: string;
  heading: string;
  delivery: DigestJob["delivery"];
  replyTo: ReplyAddress;
  requestId: string;
}

/**
 * Adds a line to the digest for its topic and makes sure one digest job will send it. The
 * key carries a time bucket as long as the delay, so the job that sends a bucket always runs
 * after the bucket has closed: no line is left behind, none is sent twice.
 */
export async function addToDigest(deps: WorkerDeps, entry: DigestEntry): Promise<void> {
  const delay = deps.settings.digestDelayMs;
  const key = `${entry.topic}:${Math.floor(deps.now().getTime() / delay)}`;
  await deps.digests.add(key, entry.line);
  await deps.queue.enqueue(
    {
      kind: "digest",
      requestId: entry.requestId,
      key,
      heading: entry.heading,
      delivery: entry.delivery,
      replyTo: entry.replyTo,
    },
    { dedupeKey: `digest-${key}`, delayMs: delay },
  );
}

export async function handleDigest(deps: WorkerDeps, job: DigestJob): Promise<void> {
  const lines = await deps.digests.take(job.key);
  if (lines.length === 0) return;
  const shown = lines.slice(0, DIGEST_NAMES).join("\n");
  const more = lines.length > DIGEST_NAMES ? `\n… and ${lines.length - DIGEST_NAMES} more` : "";
  const outcome = textOutcome("warning", `${job.heading} (${lines.length}):\n${shown}${more}`);
  if (job.delivery === "post") await post(deps, job.replyTo, outcome);
  else await reply(deps, job.replyTo, outcome);
}
