import { describe, expect, it } from "vitest";
import { ThrottleRelay } from "../../src/worker/throttle-relay.js";

describe("ThrottleRelay", () => {
  it("pauses the queue once per Retry-After window, and again for a longer one", async () => {
    const relay = new ThrottleRelay();
    const pauses: number[] = [];
    relay.attach(async (ms) => {
      pauses.push(ms);
    });
    relay.onThrottle(2_000);
    relay.onThrottle(1_000); // inside the first window: nothing new
    relay.onThrottle(5_000); // reaches past it: pause again
    expect(pauses).toEqual([2_000, 5_000]);
  });

  it("leaves the queue running for a 429 of one route class: the Graph budget pauses that class", async () => {
    const relay = new ThrottleRelay();
    const pauses: number[] = [];
    relay.attach(async (ms) => {
      pauses.push(ms);
    });
    relay.onThrottle(2_000, "writes");
    relay.onThrottle(2_000, "reports");
    expect(pauses).toEqual([]);
    relay.onThrottle(2_000);
    expect(pauses).toEqual([2_000]);
  });

  it("does nothing before a worker attaches, and survives a failing pause", async () => {
    const relay = new ThrottleRelay();
    expect(() => relay.onThrottle(1_000)).not.toThrow();
    relay.attach(() => Promise.reject(new Error("redis down")));
    expect(() => relay.onThrottle(10_000)).not.toThrow();
  });
});
