import { describe, expect, it } from "vitest";
import { type Clock, KeyedPacer, LatestOnly } from "../../../adapters/slack/rate-limit.js";

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

function deferred() {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
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

describe("LatestOnly", () => {
  it("sends the first edit and then only the newest of those that waited", async () => {
    const latest = new LatestOnly<number>();
    const sent: number[] = [];
    const gates: Array<ReturnType<typeof deferred>> = [];
    const send = async (n: number) => {
      sent.push(n);
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
    };
    const all = [1, 2, 3, 4].map((n) => latest.submit("m", n, send));
    expect(sent).toEqual([1]);
    expect(latest.waiting).toBe(1);
    gates[0]!.resolve();
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([1, 4]);
    gates[1]!.resolve();
    await Promise.all(all);
    expect(latest.waiting).toBe(0);
  });

  it("rejects the callers whose edit failed, and recovers", async () => {
    const latest = new LatestOnly<number>();
    await expect(latest.submit("m", 1, async () => Promise.reject(new Error("nope")))).rejects.toThrow(
      "nope",
    );
    const sent: number[] = [];
    await latest.submit("m", 2, async (n) => {
      sent.push(n);
    });
    expect(sent).toEqual([2]);
  });
});
