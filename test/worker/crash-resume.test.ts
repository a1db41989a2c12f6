import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { parsePolicy } from "../../src/config/policy.js";
import { jobIdFor } from "../../src/queue/queues.js";
import { BENCH_GROUP_ID, generateSeed } from "../../src/sandbox/index.js";
import { APPLY_STEP } from "../../src/worker/apply-changes.js";
import { startChildWorker, until } from "../helpers/child-worker.js";
import { ADMIN, BREAKGLASS, HELPDESK, MANAGER, WorkerHarness } from "../helpers/worker-harness.js";

const USERS = 200;
const POLICY = {
  roles: { helpdesk: [HELPDESK], admin: [ADMIN], approver: [MANAGER] },
  protected: [BREAKGLASS],
  requireApproval: ["bulk"],
};

describe("a worker killed in the middle of a bulk", () => {
  let h: WorkerHarness | undefined;
  let child: ChildProcess | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await h?.close();
  });

  it("SIGKILL mid-way through 200 users, then a new worker: all enabled, each PATCHed at most twice, one summary", async () => {
    h = await WorkerHarness.start({
      sandbox: { seed: generateSeed({ users: USERS }), latencyMs: 20 },
      policy: parsePolicy(POLICY, "(test policy)"),
      startWorker: false,
      requestsPerSecond: 100,
    });
    const harness = h;
    const patches = harness.countPatches();
    child = await startChildWorker(harness, { policy: POLICY });
    const exited = new Promise((resolve) => child?.once("exit", resolve));

    await harness.send(ADMIN, `bulk enable group:${BENCH_GROUP_ID} --reason "rollout"`);
    const card = await harness.waitFor((m) => m.type === "post" && m.outcome.kind === "approval", 60_000);
    if (card.outcome.kind !== "approval") throw new Error("expected an approval card");
    const opId = card.outcome.approval.id;
    expect(card.outcome.approval.counts.change).toBe(USERS);
    expect(patches.size).toBe(0);

    await harness.send(MANAGER, `approve ${opId}`);
    // Past the first step of 40, well before the last.
    await until(() => patches.size >= 60, 60_000, "the bulk to be under way");
    child.kill("SIGKILL");
    await exited;
    const patchedBeforeKill = patches.size;
    expect(patchedBeforeKill).toBeLessThan(USERS);

    harness.startWorker({ takeover: { lockDurationMs: 2_000, stalledIntervalMs: 1_000 } });
    const summary = await harness.waitFor((m) => m.outcome.kind === "summary", 90_000);
    const applyJob = await harness.queue.queue.getJob(jobIdFor("apply", opId));
    await until(async () => (await applyJob?.getState()) === "completed", 30_000, "the apply job");
    await harness.poll(500);

    if (summary.outcome.kind !== "summary") throw new Error("expected a summary");
    expect(summary.outcome.changed).toHaveLength(USERS);
    expect(summary.outcome.failed).toEqual([]);
    expect(harness.received.filter((m) => m.outcome.kind === "summary")).toHaveLength(1);

    const benchUsers = harness.sandbox.tenant
      .allUsers()
      .filter((u) => u.userPrincipalName.startsWith("user"));
    expect(benchUsers).toHaveLength(USERS);
    for (const user of benchUsers) {
      expect(user.perUserMfaState, user.userPrincipalName).toBe("enabled");
      const count = patches.get(user.id) ?? 0;
      expect(count, user.userPrincipalName).toBeGreaterThanOrEqual(1);
      expect(count, user.userPrincipalName).toBeLessThanOrEqual(2);
    }
    // Only the step in flight at the kill is written twice, never the ones recorded before it.
    const twice = [...patches.values()].filter((n) => n === 2).length;
    expect(twice).toBeLessThanOrEqual(APPLY_STEP);
  }, 180_000);

  it("SIGKILL while a staged bulk waits for Continue: nothing lost, Continue on a new worker applies the rest once", async () => {
    h = await WorkerHarness.start({
      sandbox: { seed: generateSeed({ users: USERS }) },
      policy: parsePolicy(POLICY, "(test policy)"),
      startWorker: false,
    });
    const harness = h;
    const patches = harness.countPatches();
    child = await startChildWorker(harness, { policy: POLICY });
    const exited = new Promise((resolve) => child?.once("exit", resolve));

    await harness.send(ADMIN, `bulk enable group:${BENCH_GROUP_ID} --canary 10`);
    const card = await harness.waitFor((m) => m.type === "post" && m.outcome.kind === "approval", 60_000);
    if (card.outcome.kind !== "approval") throw new Error("expected an approval card");
    const opId = card.outcome.approval.id;
    await harness.send(MANAGER, `approve ${opId}`);
    await harness.waitFor((m) => m.outcome.kind === "paused", 60_000);
    expect(patches.size).toBe(10);
    child.kill("SIGKILL");
    await exited;

    // Short locks, so the jobs the killed worker held (its reminders) come back quickly.
    harness.startWorker({ takeover: { lockDurationMs: 2_000, stalledIntervalMs: 1_000 } });
    expect((await harness.deps().operations.get(opId))?.state.status).toBe("paused");
    await harness.send(MANAGER, `continue ${opId}`);
    await harness.waitFor((m) => m.outcome.kind === "summary", 60_000);
    await harness.settle();
    expect(patches.size).toBe(USERS);
    for (const [user, count] of patches) expect(count, user).toBe(1);
    expect(harness.received.filter((m) => m.outcome.kind === "summary")).toHaveLength(1);
  }, 120_000);
});
