import { describe, expect, it } from "vitest";
import { isDirectoryError } from "../../../src/directory/errors.js";
import {
  bucketShape,
  classLimits,
  createLocalClassBucket,
  createLocalClassBudget,
} from "../../../src/directory/graph/class-budget.js";
import { currentGraphLane, inGraphLane } from "../../../src/directory/graph/lane.js";
import { classCostOf, classCostsOf } from "../../../src/directory/graph/route-class.js";

/** A stepped clock: sleeping moves it on and is recorded. */
function fakeTiming(start = 1_000_000) {
  const t = {
    now: start,
    slept: [] as number[],
    timing: {
      now: () => t.now,
      sleep: async (ms: number) => {
        t.slept.push(ms);
        t.now += ms;
      },
    },
  };
  return t;
}

describe("route classes, as Graph's throttling-limits page draws them", () => {
  it("puts each request in its class at its documented cost", () => {
    expect(classCostOf("PATCH", "/beta/users/u1/authentication/requirements")).toEqual({
      routeClass: "writes",
      cost: 1,
    });
    expect(classCostOf("DELETE", "/v1.0/users/u1/authentication/phoneMethods/m1").routeClass).toBe("writes");
    expect(classCostOf("GET", "/v1.0/users?$select=id,userPrincipalName")).toEqual({
      routeClass: "reads",
      cost: 1,
    });
    expect(classCostOf("GET", "/v1.0/users")).toEqual({ routeClass: "reads", cost: 2 });
    expect(classCostOf("GET", "/v1.0/groups/g1/transitiveMembers/microsoft.graph.user?$top=999")).toEqual({
      routeClass: "reads",
      cost: 5,
    });
    expect(
      classCostOf(
        "GET",
        "http://127.0.0.1:1/v1.0/reports/authenticationMethods/userRegistrationDetails?$skiptoken=x",
      ),
    ).toEqual({ routeClass: "reports", cost: 1 });
    expect(classCostOf("GET", "/v1.0/identity/conditionalAccess/policies").routeClass).toBe(
      "conditionalAccess",
    );
  });

  it("adds up a $batch's items per class", () => {
    expect(
      classCostsOf([
        { method: "PATCH", url: "/users/a/authentication/requirements" },
        { method: "GET", url: "/users/a/authentication/requirements" },
        { method: "GET", url: "/reports/authenticationMethods/userRegistrationDetails/a" },
        { method: "GET", url: "/users" },
      ]),
    ).toEqual({ writes: 1, reads: 3, reports: 1 });
  });

  it("scales limits like the sandbox's --limit-scale and refuses a scale outside (0, 1]", () => {
    expect(classLimits({ limitScale: 0.1 }).writes).toEqual({ count: 300, windowMs: 15_000 });
    expect(classLimits().reads).toEqual({ count: 3_500, windowMs: 10_000 });
    expect(() => classLimits({ limitScale: 2 })).toThrow(RangeError);
  });
});

describe("the per-class budget", () => {
  it("lets a rested write bucket go as a burst, then paces at the documented rate", async () => {
    const t = fakeTiming();
    const budget = createLocalClassBudget({ limitScale: 0.01, timing: t.timing }); // writes: 30 per 1.5 s
    const { burst, intervalMs } = bucketShape(classLimits({ limitScale: 0.01 }).writes);
    expect(burst).toBe(29);
    for (let i = 0; i < burst; i++) await budget.acquire(1, { routeClass: "writes" });
    expect(t.slept).toEqual([]);
    await budget.acquire(1, { routeClass: "writes" });
    expect(t.slept).toHaveLength(1);
    expect(t.slept[0]).toBeCloseTo(intervalMs, 5);
  });

  it("never makes reads wait behind writes, and a 429 pauses only its own class", async () => {
    const t = fakeTiming();
    const budget = createLocalClassBudget({ limitScale: 0.01, timing: t.timing });
    for (let i = 0; i < 29; i++) await budget.acquire(1, { routeClass: "writes" });
    budget.pause(5_000, "writes");
    await budget.acquire(20, { routeClass: "reads" });
    await budget.acquire(1, { routeClass: "reports" });
    expect(t.slept).toEqual([]);
    await budget.acquire(1, { routeClass: "writes" });
    expect(t.slept[0]).toBeGreaterThanOrEqual(5_000);
    budget.pause(3_000);
    await budget.acquire(1, { routeClass: "reads" });
    expect(t.slept[1]).toBeGreaterThanOrEqual(3_000);
  });

  it("waits for the whole cost of a $batch, not one token of it", async () => {
    const t = fakeTiming();
    const budget = createLocalClassBudget({ limitScale: 0.01, timing: t.timing });
    for (let i = 0; i < 20; i++) await budget.acquire(1, { routeClass: "writes" });
    // 9 left: a batch of 20 waits for 11 more.
    await budget.acquire(20, { routeClass: "writes" });
    const { intervalMs } = bucketShape(classLimits({ limitScale: 0.01 }).writes);
    expect(t.slept[0]).toBeCloseTo(11 * intervalMs, 5);
  });

  it("bulk claims book nothing ahead: an interactive claim gets the next free room", async () => {
    let now = 0;
    const bucket = createLocalClassBucket({ count: 2, windowMs: 2_000 }, () => now);
    expect(await bucket.take(1, false)).toBe(0);
    expect(await bucket.take(1, false)).toBeGreaterThan(0); // burst 1 (2 less 3 %), now empty
    const free = await bucket.take(1, false);
    expect(await bucket.take(1, false)).toBe(free); // asking again books nothing
    expect(await bucket.take(1, true)).toBe(free); // the interactive caller books that room
    expect(await bucket.take(1, false)).toBeGreaterThan(free); // the bulk one waits behind it
    now += 10_000;
    expect(await bucket.take(1, false)).toBe(0);
  });

  it("gives up at once, taking nothing, when the wait passes the claim's limit", async () => {
    const t = fakeTiming();
    const budget = createLocalClassBudget({ timing: t.timing }); // reports: 5 per 10 s
    for (let i = 0; i < 4; i++) await budget.acquire(1, { routeClass: "reports", maxWaitMs: 1_000 });
    const refused = await budget.acquire(1, { routeClass: "reports", maxWaitMs: 1_000 }).catch((e) => e);
    expect(isDirectoryError(refused, "throttled")).toBe(true);
    expect(refused.retryAfterMs).toBeGreaterThan(1_000);
    expect(t.slept).toEqual([]);
    t.now += refused.retryAfterMs;
    await budget.acquire(1, { routeClass: "reports", maxWaitMs: 1_000 });
    expect(t.slept).toEqual([]);
  });

  it("carries the lane along the async chain", async () => {
    expect(currentGraphLane()).toBe("interactive");
    const seen = await inGraphLane("bulk", async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentGraphLane();
    });
    expect(seen).toBe("bulk");
  });
});
