import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { statePrefix } from "../../src/run/worker-runtime.js";
import { ADMIN, MANAGER, WorkerHarness } from "../helpers/worker-harness.js";

const requester = { platform: "console", chatUserId: "session-1", upn: ADMIN };
const replyTo = { platform: "console", conversation: "session-1", user: ADMIN, extra: {} };

/** One malformed job per kind: almost right, with one field wrong, as a buggy producer would send. */
const MALFORMED: Array<{ kind: string; data: unknown; field: string }> = [
  {
    kind: "request",
    data: {
      kind: "request",
      requestId: "r-1",
      requester,
      replyTo,
      command: { verb: "enable", target: { kind: "upn", upn: "not a upn" } },
      receivedAt: new Date().toISOString(),
    },
    field: "command.target.upn",
  },
  { kind: "request", data: "enable everyone", field: "data" },
  {
    kind: "decision",
    data: {
      kind: "decision",
      requestId: "r-2",
      approvalId: "DROP TABLE",
      decision: "approve",
      decider: { ...requester, upn: MANAGER },
      replyTo,
    },
    field: "approvalId",
  },
  { kind: "apply", data: { kind: "apply", requestId: "r-3" }, field: "operationId" },
  {
    kind: "reminder",
    data: { kind: "reminder", requestId: "r-4", upn: "nobody", attempt: 0, replyTo },
    field: "upn",
  },
  {
    kind: "reminder",
    data: { kind: "reminder", requestId: "r-5", upn: "user@contoso.com", attempt: -1, replyTo },
    field: "attempt",
  },
  {
    kind: "digest",
    data: { kind: "digest", requestId: "r-6", key: "", heading: "x", delivery: "shout", replyTo },
    field: "key",
  },
  { kind: "expire", data: { kind: "expire", requestId: "r-7", operationId: "x" }, field: "operationId" },
  { kind: "explode", data: { kind: "explode" }, field: "explode" },
];

describe("malformed job data", () => {
  let h: WorkerHarness;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n")) if (line.trim()) lines.push(JSON.parse(line));
        done();
      },
    });
    h = await WorkerHarness.start({ startWorker: false });
    h.startWorker({ logger: createLogger({ level: "info", name: "test" }, sink) });
  });
  afterAll(async () => {
    await h.close();
  });

  it("every job kind rejects malformed data with a clear logged error and no partial effect", async () => {
    const jobs = await Promise.all(MALFORMED.map((m) => h.queue.queue.add(m.kind, m.data, { attempts: 5 })));
    for (const [i, job] of jobs.entries()) {
      const { kind, field } = MALFORMED[i] as (typeof MALFORMED)[number];
      const deadline = Date.now() + 20_000;
      while ((await job.getState()) !== "failed") {
        if (Date.now() > deadline) throw new Error(`${kind} job did not fail`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const failed = await h.queue.queue.getJob(job.id as string);
      // One attempt of five: retrying malformed data cannot help.
      expect(failed?.attemptsMade, kind).toBe(1);
      expect(failed?.failedReason, kind).toContain(`malformed ${kind} job`);
      expect(failed?.failedReason, kind).toContain(field);
      const logged = lines.find((l) => l.msg === "malformed job rejected" && l.jobId === job.id);
      expect(logged, `log line for ${kind}`).toMatchObject({ level: 50, kind });
      expect(String(logged?.problem)).toContain(field);
    }

    const stats = h.sandbox.stats.snapshot();
    expect(stats.graphOperations).toBe(0);
    // Nothing written anywhere: no operation, audit entry or answer.
    expect(await h.redis.keys(`${statePrefix(h.prefix)}:*`)).toEqual([]);
    await h.poll(100);
    expect(h.received).toEqual([]);
  });
});
