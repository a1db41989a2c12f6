import type { ChildProcess } from "node:child_process";
import { Worker } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { parsePolicy } from "../../src/config/policy.js";
import { operationIdFor } from "../../src/operations/operation-id.js";
import { connectRedis, jobIdFor, QUEUE_NAME } from "../../src/queue/queues.js";
import { BENCH_GROUP_ID, generateSeed } from "../../src/sandbox/index.js";
import { STALLED_OUT_REASON } from "../../src/worker/stalled-out.js";
import { startChildWorker, until } from "../helpers/child-worker.js";
import {
  ADMIN,
  BREAKGLASS,
  HELPDESK,
  MANAGER,
  type Message,
  REDIS_URL,
  WorkerHarness,
} from "../helpers/worker-harness.js";

/**
 * Jobs BullMQ fails by itself because their worker was lost more than `maxStalledCount` times
 * ("job stalled more than allowable limit") are reported like any failed job: the requester is
 * answered, the audit stream records it, an apply's operation is marked failed, never left
 * "applying". Real Redis and BullMQ; workers lost for real (SIGKILL, or a forced close that
 * stops renewing the lock).
 */

const USERS = 200;
const POLICY = {
  roles: { helpdesk: [HELPDESK], admin: [ADMIN], approver: [MANAGER] },
  protected: [BREAKGLASS],
  requireApproval: ["bulk"],
};
/** One takeover allowed: the second lost worker fails the job. */
const MAX_STALLED = 1;
const SHORT = { lockDurationMs: 2_000, stalledIntervalMs: 1_000, maxStalledCount: MAX_STALLED };
const CHILD_OPTIONS = {
  policy: POLICY,
  lockMs: SHORT.lockDurationMs,
  stalledMs: SHORT.stalledIntervalMs,
  maxStalledCount: MAX_STALLED,
};

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

function isErrorText(m: Message): boolean {
  return m.outcome.kind === "text" && m.outcome.tone === "error";
}

function isErrorAbout(operationId: string): (m: Message) => boolean {
  return (m) =>
    m.outcome.kind === "text" && m.outcome.tone === "error" && m.outcome.operationId === operationId;
}

function textOf(m: Message): string {
  if (m.outcome.kind !== "text") throw new Error(`expected a text answer, got ${m.outcome.kind}`);
  return m.outcome.text;
}

describe("a job BullMQ fails for stalling too often", () => {
  let h: WorkerHarness | undefined;
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    await h?.close();
    h = undefined;
  });

  it("an apply whose worker is SIGKILLed twice: operation failed, card and requester told what was recorded, audited", async () => {
    h = await WorkerHarness.start({
      sandbox: { seed: generateSeed({ users: USERS }), latencyMs: 20 },
      policy: parsePolicy(POLICY, "(test policy)"),
      startWorker: false,
      requestsPerSecond: 100,
    });
    const harness = h;
    const patches = harness.countPatches();
    const first = await startChildWorker(harness, CHILD_OPTIONS);
    children.push(first);

    await harness.send(ADMIN, `bulk enable group:${BENCH_GROUP_ID} --reason "rollout"`);
    const card = await harness.waitFor((m) => m.type === "post" && m.outcome.kind === "approval", 60_000);
    if (card.outcome.kind !== "approval") throw new Error("expected an approval card");
    const opId = card.outcome.approval.id;
    await harness.send(MANAGER, `approve ${opId}`);

    // First loss: the second worker takes the job over (stall 1 of the 1 allowed) and goes on.
    await until(() => patches.size >= 40, 60_000, "the bulk to be under way");
    await kill(first);
    const second = await startChildWorker(harness, CHILD_OPTIONS);
    children.push(second);
    const beforeSecondKill = patches.size;
    await until(() => patches.size >= beforeSecondKill + 20, 60_000, "the takeover to go on with the bulk");
    // Second loss: one more than allowed.
    await kill(second);
    expect(patches.size).toBeLessThan(USERS);
    expect((await harness.queue.queue.getJob(jobIdFor("apply", opId)))?.stalledCounter).toBe(1);

    const runtime = harness.startWorker({ takeover: SHORT });
    const answer = await harness.waitFor(isErrorAbout(opId), 60_000);
    const failedCard = await harness.waitFor(
      (m) =>
        m.type === "update" &&
        m.outcome.kind === "approval" &&
        m.outcome.approval.id === opId &&
        (m.outcome.approval.outcomeText ?? "").startsWith("Failed:"),
      10_000,
    );
    const applyJob = await harness.queue.queue.getJob(jobIdFor("apply", opId));
    expect(await applyJob?.getState()).toBe("failed");
    expect(applyJob?.failedReason).toBe(STALLED_OUT_REASON);
    expect(applyJob?.stalledCounter).toBe(2);

    // The operation is failed, not left "applying"; the per-user results say what was done.
    const deps = runtime.deps;
    expect((await deps.operations.get(opId))?.state.status).toBe("failed");
    const recorded = (await deps.operations.results(opId)).size;
    expect(recorded).toBeGreaterThan(0);
    expect(recorded).toBeLessThan(USERS);
    const text = textOf(answer);
    expect(text).toContain(`Operation ${opId} stopped`);
    expect(text).toContain("stopped or froze 2 time(s)");
    expect(text).toContain(`${recorded} user(s) were handled before it stopped`);
    expect(text).toContain(`audit ${opId}`);
    if (failedCard.outcome.kind !== "approval") throw new Error("expected the approval card");
    expect(failedCard.outcome.approval.outcomeText).toMatch(/^Failed: the worker running it stopped/);

    const audit = await deps.audit.forOperation(opId);
    const entry = audit.find((e) => e.action === "apply job");
    expect(entry).toMatchObject({ actor: "mfa-bot", result: "failed", operationId: opId });
    expect(entry?.detail).toContain(STALLED_OUT_REASON);

    // No summary claims the bulk finished, and nothing writes on after the failure.
    await harness.settle();
    expect(harness.received.filter((m) => m.outcome.kind === "summary")).toEqual([]);
    expect(harness.received.filter(isErrorAbout(opId))).toHaveLength(1);
  }, 180_000);

  it("a request whose worker froze: the requester gets an answer, and the audit stream an entry", async () => {
    h = await WorkerHarness.start({ startWorker: false });
    const harness = h;
    // A worker that takes the job, then stops renewing its lock (a forced close leaves the job
    // active, as a frozen or killed process would).
    const connection = connectRedis(REDIS_URL, { blocking: true });
    const frozen = new Worker(QUEUE_NAME, () => new Promise<void>(() => {}), {
      connection,
      prefix: harness.prefix,
      lockDuration: 500,
      stalledInterval: 250,
    });
    let taken = false;
    frozen.on("active", () => {
      taken = true;
    });
    let requestId: string;
    try {
      requestId = await harness.send(HELPDESK, `status ${ADMIN}`);
      await until(() => taken, 20_000, "the frozen worker to take the request");
      await frozen.close(true);
    } finally {
      connection.disconnect();
    }

    // No takeover allowed: the first stall fails the request.
    const runtime = harness.startWorker({
      takeover: { lockDurationMs: 500, stalledIntervalMs: 250, maxStalledCount: 0 },
    });
    const answer = await harness.answerTo(requestId, 20_000);
    expect(isErrorText(answer)).toBe(true);
    expect(textOf(answer)).toContain("That did not work: the worker running it stopped or froze 1 time(s)");
    const job = (await harness.queue.queue.getJobs(["failed"]))[0];
    expect(job?.failedReason).toBe(STALLED_OUT_REASON);

    const audit = await runtime.deps.audit.forOperation(operationIdFor(`request:${requestId}`));
    expect(audit).toEqual([
      expect.objectContaining({ action: "request job", result: "failed", actor: "mfa-bot" }),
    ]);
  }, 60_000);
});
