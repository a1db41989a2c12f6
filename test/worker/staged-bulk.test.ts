import { afterEach, describe, expect, it } from "vitest";
import { FAILURE_WINDOW } from "../../src/core/stages.js";
import type { Outcome } from "../../src/notify/outcome.js";
import { BENCH_GROUP_ID, generateSeed } from "../../src/sandbox/index.js";
import { ADMIN, MANAGER, type Message, testPolicy, WorkerHarness } from "../helpers/worker-harness.js";

const USERS = 200;
const MANAGER2 = "manager2@contoso.com";
const PATCH_ROUTE = "PATCH /beta/users/{id}/authentication/requirements";

function pausedOf(m: Message): Extract<Outcome, { kind: "paused" }> {
  if (m.outcome.kind !== "paused") throw new Error(`expected a pause, got ${m.outcome.kind}`);
  return m.outcome;
}

describe("staged bulk changes", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  async function approvedBulk(extra = ""): Promise<string> {
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable group:${BENCH_GROUP_ID}${extra}`));
    if (card.outcome.kind !== "approval") throw new Error("expected an approval card");
    const id = card.outcome.approval.id;
    await h.answerTo(await h.send(MANAGER, `approve ${id}`));
    return id;
  }

  it("--canary 10: ten users, then a pause; Continue applies the other 190 once", async () => {
    h = await WorkerHarness.start({ sandbox: { seed: generateSeed({ users: USERS }) } });
    const patches = h.countPatches();
    const id = await approvedBulk(" --canary 10");
    const paused = pausedOf(await h.waitFor((m) => m.outcome.kind === "paused"));
    expect(paused).toMatchObject({ operationId: id, reason: "canary", done: 10, failed: 0, total: USERS });
    await h.settle();
    expect(patches.size).toBe(10);
    expect((await h.deps().operations.get(id))?.state.status).toBe("paused");
    // The state alone (read without the operation's plan and views) is the same state.
    const full = await h.deps().operations.get(id);
    expect(full?.state.pause?.reason).toBe("canary");
    expect(await h.deps().operations.state(id)).toEqual(full?.state);
    expect(await h.deps().operations.state("op-that-does-not-exist")).toBeNull();

    // The requester cannot wave their own bulk on; an approver can.
    const own = await h.answerTo(await h.send(ADMIN, `continue ${id}`));
    expect(own.outcome.kind === "text" && own.outcome.text).toMatch(/another approver must/);
    // As after a long pause: finished jobs (the canary's reminders among them) are kept a day only.
    await h.queue.queue.clean(0, 100_000, "completed");
    const go = await h.answerTo(await h.send(MANAGER2, `continue ${id}`));
    expect(go.outcome).toMatchObject({ kind: "text", tone: "info" });
    await h.waitFor((m) => m.outcome.kind === "summary");
    await h.settle();
    expect(patches.size).toBe(USERS);
    for (const n of patches.values()) expect(n).toBe(1);
    // Each user told to register once: the canary at the pause, the rest at the end.
    const told = () => h.received.filter((m) => m.type === "dm" && m.outcome.kind === "registerReminder");
    for (let i = 0; i < 50 && told().length < USERS; i++) await h.poll(200);
    await h.poll(300);
    expect(new Set(told().map((m) => m.to)).size).toBe(USERS);
    expect(told()).toHaveLength(USERS);
    const again = await h.answerTo(await h.send(MANAGER2, `continue ${id}`));
    expect(again.outcome.kind === "text" && again.outcome.text).toMatch(/it is done, not paused/);
    // The pause message lost its buttons and says who continued.
    const closed = h.received.filter((m) => m.type === "update" && m.outcome.kind === "paused").at(-1);
    expect(closed && pausedOf(closed).answered).toMatchObject({ verb: "continue", by: MANAGER2 });
  });

  it("the policy's canary makes big bulks staged; a failure rate past the limit pauses by itself; Abort stops it", async () => {
    h = await WorkerHarness.start({
      sandbox: { seed: generateSeed({ users: USERS }), writeFailureRate: 0.3 },
      policy: testPolicy({ canary: { minBulk: 1000, size: 20, maxFailureRate: 0.1 } }),
    });
    const id = await approvedBulk();
    const paused = pausedOf(await h.waitFor((m) => m.outcome.kind === "paused"));
    expect(paused.reason).toBe("failures");
    expect(paused.failed).toBeGreaterThan(0);
    expect(paused.done).toBeLessThan(USERS);
    expect(paused.done).toBeGreaterThanOrEqual(FAILURE_WINDOW);
    await h.settle();
    const writes = h.sandbox.stats.count(PATCH_ROUTE);

    const stop = await h.answerTo(await h.send(MANAGER2, `abort ${id}`));
    expect(stop.outcome).toMatchObject({ kind: "text", tone: "info" });
    await h.settle();
    expect((await h.deps().operations.get(id))?.state.status).toBe("aborted");
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(writes);
    const late = await h.answerTo(await h.send(MANAGER2, `continue ${id}`));
    expect(late.outcome.kind === "text" && late.outcome.text).toMatch(/it is aborted, not paused/);
    const audit = (await h.deps().audit.forOperation(id)).map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(["pause", "abort"]));
  });

  it("a pause expires like an approval: the rest is not applied", async () => {
    h = await WorkerHarness.start({
      sandbox: { seed: generateSeed({ users: 40 }) },
      policy: testPolicy({ approvalTtlMinutes: 1 }),
    });
    const id = await approvedBulk(" --canary 5");
    await h.waitFor((m) => m.outcome.kind === "paused");
    // Run the expiry now, as its delayed job would after a minute, with the clock past it.
    const deps = h.deps();
    const later = new Date(Date.now() + 2 * 60_000);
    const { handleExpire } = await import("../../src/worker/handle-expire.js");
    await handleExpire({ ...deps, now: () => later }, { kind: "expire", requestId: "t", operationId: id });
    expect((await deps.operations.get(id))?.state.status).toBe("aborted");
    const late = await h.answerTo(await h.send(MANAGER2, `continue ${id}`));
    expect(late.outcome.kind === "text" && late.outcome.text).toMatch(/not paused/);
  });
});
