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

/** A line added just as its window closes still lands before the window's digest is sent. */
const GRACE_MS = 1_000;

/**
 * Adds a line to the digest for its topic and makes sure one digest job will send it: the
 * first line opens a window, every line within it joins the same digest, and the job runs
 * once the window (and a grace period) has passed — no line left behind, none sent twice.
 */
export async function addToDigest(deps: WorkerDeps, entry: DigestEntry): Promise<void> {
  const delay = deps.settings.digestDelayMs;
  const key = await deps.digests.window(entry.topic, delay, deps.now().getTime());
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
    { dedupeKey: `digest-${key}`, delayMs: delay + GRACE_MS },
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
  await deps.digests.sent(job.key);
}
