import { describe, expect, it } from "vitest";
import { type Clock, KeyedPacer } from "../../../adapters/slack/rate-limit.js";

function fakeClock(): Clock & { sleeps: number[] } {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe("KeyedPacer", () => {
  it("spaces tasks on one key by the interval, in order, and leaves other keys alone", async () => {
    const clock = fakeClock();
    const pacer = new KeyedPacer(1000, clock);
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(name);
      return name;
    };
    const results = await Promise.all([
      pacer.run("C1", task("a1")),
      pacer.run("C1", task("a2")),
      pacer.run("C2", task("b1")),
      pacer.run("C1", task("a3")),
    ]);
    expect(results).toEqual(["a1", "a2", "b1", "a3"]);
    expect(order.filter((n) => n.startsWith("a"))).toEqual(["a1", "a2", "a3"]);
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  it("keeps going after a failed task", async () => {
    const pacer = new KeyedPacer(0, fakeClock());
    await expect(pacer.run("C", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(pacer.run("C", async () => "next")).resolves.toBe("next");
  });
});
