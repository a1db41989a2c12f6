import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { AnyJob } from "../../src/queue/jobs.js";
import { ENQUEUE_CHUNK, RequestQueue } from "../../src/queue/queues.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("enqueueMany", () => {
  let queue: RequestQueue;
  afterEach(async () => {
    await queue.queue.obliterate({ force: true });
    await queue.close();
  });

  it("adds more jobs than one chunk holds, each once, and a retry adds none twice", async () => {
    queue = new RequestQueue({ redisUrl: REDIS_URL, prefix: `test-enqueue-${randomUUID().slice(0, 8)}` });
    const count = ENQUEUE_CHUNK * 2 + 7;
    const jobs = Array.from({ length: count }, (_, i) => ({
      job: {
        kind: "reminder",
        requestId: "r-1",
        upn: `user${i}@contoso.com`,
        operationId: "op-1",
        attempt: 0,
        replyTo: { platform: "console", conversation: "c-1" },
        requestedBy: "admin@contoso.com",
      } as AnyJob,
      options: { dedupeKey: `op-1-user${i}-0`, delayMs: 3_600_000 },
    }));
    await queue.enqueueMany(jobs);
    expect(await queue.queue.getDelayedCount()).toBe(count);
    // A retried follow-up enqueues the same jobs again: the dedupe ids keep one of each.
    await queue.enqueueMany(jobs);
    expect(await queue.queue.getDelayedCount()).toBe(count);
    const upns = new Set(
      (await queue.queue.getDelayed(0, count)).map((j) => (j.data as { upn: string }).upn),
    );
    expect(upns.size).toBe(count);
  });
});
