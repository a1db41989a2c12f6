import { describe, expect, it } from "vitest";
import { createLocalBudget, type LocalBudgetOptions } from "../../../src/directory/graph/throttle.js";

/** Timers on a virtual clock: concurrent sleepers wake in time order, nothing waits for real. */
function virtualClock() {
  let clock = 0;
  let seq = 0;
  const timers: Array<{ at: number; seq: number; fire: () => void }> = [];
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => clock,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        timers.push({ at: clock + Math.max(0, ms), seq: seq++, fire: resolve });
      }),
    at(ms: number, fire: () => void) {
      timers.push({ at: ms, seq: seq++, fire });
    },
    async run<T>(work: Promise<T>): Promise<T> {
      let finished = false;
      void work.finally(() => {
        finished = true;
      });
      for (let idle = 0; !finished && idle < 100; ) {
        await tick();
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers.shift();
        if (!next) {
          idle++;
          continue;
        }
        idle = 0;
        clock = Math.max(clock, next.at);
        next.fire();
      }
      return work;
    },
  };
}

/** The most requests sent within any `windowMs` (the way a sliding-window limit counts). */
function busiestWindow(sends: ReadonlyArray<[number, number]>, windowMs: number): number {
  let most = 0;
  let sum = 0;
  let first = 0;
  for (const [at, cost] of sends) {
    sum += cost;
    while ((sends[first]?.[0] ?? at) <= at - windowMs) sum -= sends[first++]?.[1] ?? 0;
    most = Math.max(most, sum);
  }
  return most;
}

/** $batches of 20 mixed with single requests, as a bulk preview sends them. */
const MIXED = Array.from({ length: 60 }, () => [20, 1, 1, 1, 1, 1, 1, 1, 1, 20, 16, 20]).flat();

async function sendAll(options: LocalBudgetOptions, costs: readonly number[]) {
  const clock = virtualClock();
  const budget = createLocalBudget({ ...options, timing: clock });
  const sends: Array<[number, number]> = [];
  await clock.run(
    (async () => {
      for (const cost of costs) {
        await budget.acquire(cost);
        sends.push([clock.now(), cost]);
      }
    })(),
  );
  return sends;
}

describe("local budget: sliding window and headroom", () => {
  it("without the window, mixing batches and single requests puts more than the rate into one second", async () => {
    const sends = await sendAll({ requestsPerSecond: 200, burst: 5 }, MIXED);
    expect(busiestWindow(sends, 1000)).toBeGreaterThan(200);
  });

  it("with the window, no second holds more than the rate, even with 25 ms of jitter on the way", async () => {
    const sends = await sendAll(
      { requestsPerSecond: 200, burst: 5, headroom: 0.03, slidingWindow: true },
      MIXED,
    );
    expect(busiestWindow(sends, 1025)).toBeLessThanOrEqual(200);
    // …and the budget is still used: the headroom, and at most a batch a second left unused.
    const total = MIXED.reduce((a, b) => a + b, 0);
    const seconds = (sends.at(-1)?.[0] ?? 0) / 1000;
    expect(total / seconds).toBeGreaterThan(200 * 0.97 - 20);
  });

  it("makes a request wait for room in the last second, not only in the bucket", async () => {
    const sends = await sendAll({ requestsPerSecond: 20, burst: 5, slidingWindow: true }, [20, 1]);
    expect(sends.map(([at]) => at)).toEqual([0, 1000]);
  });

  it.each([
    ["token bucket", false],
    ["sliding window", true],
  ])("%s: callers waiting through a pause resume one by one, not all at once", async (_, slidingWindow) => {
    const clock = virtualClock();
    const budget = createLocalBudget({ requestsPerSecond: 10, burst: 1, slidingWindow, timing: clock });
    const sentAt: number[] = [];
    clock.at(150, () => budget.pause(1000));
    await clock.run(
      Promise.all(
        [1, 2, 3, 4, 5].map(async () => {
          await budget.acquire(1);
          sentAt.push(clock.now());
        }),
      ),
    );
    expect(sentAt.slice(0, 2)).toEqual([0, 100]);
    const resumed = sentAt.slice(2);
    for (const at of resumed) expect(at).toBeGreaterThanOrEqual(1150);
    for (let i = 1; i < resumed.length; i++) {
      expect((resumed[i] ?? 0) - (resumed[i - 1] ?? 0)).toBeGreaterThanOrEqual(100);
    }
  });

  it("refuses a headroom outside [0, 1)", () => {
    expect(() => createLocalBudget({ headroom: 1 })).toThrow(RangeError);
    expect(() => createLocalBudget({ headroom: -0.1 })).toThrow(RangeError);
  });
});
