import { afterEach, describe, expect, it } from "vitest";
import { parsePolicy } from "../../src/config/policy.js";
import { DEFAULT_TAKEOVER, worstTakeoverMs } from "../../src/queue/takeover.js";
import { BENCH_GROUP_ID, generateSeed } from "../../src/sandbox/index.js";
import { ADMIN, BREAKGLASS, HELPDESK, MANAGER, WorkerHarness } from "../helpers/worker-harness.js";

const USERS = 40;
const POLICY = {
  roles: { helpdesk: [HELPDESK], admin: [ADMIN], approver: [MANAGER] },
  protected: [BREAKGLASS],
  requireApproval: ["bulk"],
};
/** Locks ten times shorter than the bulk takes: only renewal keeps the job with its worker. */
const SHORT = { lockDurationMs: 400, stalledIntervalMs: 200 };

describe("takeover timing", () => {
  let h: WorkerHarness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  it("the documented defaults hand a dead worker's job over within 15 s", () => {
    expect(worstTakeoverMs(DEFAULT_TAKEOVER)).toBeLessThanOrEqual(15_000);
    // Renewal (every lockDuration / 2) leaves a live worker half the lock as slack.
    expect(DEFAULT_TAKEOVER.lockDurationMs / 2).toBeGreaterThanOrEqual(DEFAULT_TAKEOVER.stalledIntervalMs);
  });

  it("a bulk that outlasts its lock many times over stays with its live worker: no user written twice", async () => {
    h = await WorkerHarness.start({
      sandbox: { seed: generateSeed({ users: USERS }), latencyMs: 20 },
      policy: parsePolicy(POLICY, "(test policy)"),
      startWorker: false,
      // 40 users at 20 requests/s (PATCH and read back): about 4 s, ten locks' worth.
      requestsPerSecond: 20,
    });
    const harness = h;
    const patches = harness.countPatches();
    const stalled: string[] = [];
    for (let i = 0; i < 2; i++) {
      const runtime = harness.startWorker({ takeover: SHORT });
      runtime.running.worker.on("stalled", (jobId) => stalled.push(jobId));
    }
    await harness.send(ADMIN, `bulk enable group:${BENCH_GROUP_ID}`);
    const card = await harness.waitFor((m) => m.type === "post" && m.outcome.kind === "approval", 60_000);
    if (card.outcome.kind !== "approval") throw new Error("expected an approval card");
    await harness.send(MANAGER, `approve ${card.outcome.approval.id}`);
    const summary = await harness.waitFor((m) => m.outcome.kind === "summary", 120_000);
    if (summary.outcome.kind !== "summary") throw new Error("expected a summary");

    expect(summary.outcome.changed).toHaveLength(USERS);
    expect(stalled).toEqual([]);
    expect([...patches.values()].filter((n) => n > 1)).toEqual([]);
    expect(patches.size).toBe(USERS);
  }, 180_000);
});
