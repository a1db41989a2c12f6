import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter } from "../../../src/directory/graph/retry.js";
import { createLocalBudget } from "../../../src/directory/graph/throttle.js";
import { fakeTiming } from "./graph-fakes.js";

describe("local budget", () => {
  it("lets a burst through, then paces requests at the rate", async () => {
    const timing = fakeTiming(0);
    const budget = createLocalBudget({ requestsPerSecond: 10, burst: 3, timing });
    const sentAt: number[] = [];
    for (let i = 0; i < 6; i++) {
      await budget.acquire(1);
      sentAt.push(timing.now());
    }
    expect(sentAt).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it("sends a whole $batch at once from a rested budget and makes the next caller wait it off", async () => {
    const timing = fakeTiming(0);
    const budget = createLocalBudget({ requestsPerSecond: 20, burst: 5, timing });
    await budget.acquire(20);
    expect(timing.now()).toBe(0);
    await budget.acquire(1);
    // 20 requests at 50 ms each put the bucket 1 s in debt, less the burst it may run ahead.
    expect(timing.now()).toBe(1000 - 4 * 50);
  });

  it("pauses every caller, including ones already waiting", async () => {
    const timing = fakeTiming(0);
    const budget = createLocalBudget({ requestsPerSecond: 1000, burst: 5, timing });
    budget.pause(4000);
    const sentAt: number[] = [];
    await Promise.all(
      [1, 2, 3].map(async () => {
        await budget.acquire(1);
        sentAt.push(timing.now());
      }),
    );
    for (const at of sentAt) expect(at).toBeGreaterThanOrEqual(4000);
  });

  it("never shortens a pause", async () => {
    const timing = fakeTiming(0);
    const budget = createLocalBudget({ timing });
    budget.pause(5000);
    budget.pause(1000);
    await budget.acquire(1);
    expect(timing.now()).toBeGreaterThanOrEqual(5000);
  });

  it("refuses a rate that is not positive", () => {
    expect(() => createLocalBudget({ requestsPerSecond: 0 })).toThrow(RangeError);
  });
});

describe("Retry-After and backoff", () => {
  it("reads seconds and HTTP dates", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("12", now)).toBe(12_000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });

  it("doubles up to the ceiling, with half the delay random", () => {
    expect(backoffDelay(0, 500, 30_000, () => 0)).toBe(250);
    expect(backoffDelay(0, 500, 30_000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 30_000, () => 1)).toBe(4000);
    expect(backoffDelay(20, 500, 30_000, () => 1)).toBe(30_000);
  });
});
