import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BackgroundWork } from "../../../adapters/slack/background.js";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

function work() {
  const started: number[] = [];
  const bg = new BackgroundWork({ quietMs: 2, maxDelayMs: 200, now: () => Date.now() });
  const job = (n: number) => async () => {
    started.push(n);
    return n;
  };
  return { bg, started, job };
}

describe("BackgroundWork", () => {
  it("starts work after the ack once Slack has been quiet for a moment", async () => {
    const { bg, started, job } = work();
    bg.noteActivity();
    const result = bg.afterAck(job(1));
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([1]);
    await expect(result).resolves.toBe(1);
  });

  it("holds work back while requests keep arriving, but not beyond the longest delay", async () => {
    const { bg, started, job } = work();
    bg.noteActivity();
    void bg.afterAck(job(1));
    void bg.afterAck(job(2));
    for (let ms = 1; ms < 200; ms++) {
      await vi.advanceTimersByTimeAsync(1);
      bg.noteActivity();
      expect(started).toEqual([]);
    }
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([1, 2]);
  });

  it("lets drain() wait for work that has not started yet", async () => {
    const { bg, started, job } = work();
    void bg.afterAck(job(1));
    const drained = bg.drain();
    await vi.advanceTimersByTimeAsync(5);
    await drained;
    expect(started).toEqual([1]);
    expect(bg.size).toBe(0);
  });

  it("rejects only the work that failed, even when it throws at once", async () => {
    const { bg, started, job } = work();
    const failing = bg.afterAck(() => {
      throw new Error("boom");
    });
    const fine = bg.afterAck(job(2));
    const failed = expect(failing).rejects.toThrow("boom");
    await vi.advanceTimersByTimeAsync(5);
    await failed;
    await expect(fine).resolves.toBe(2);
    expect(started).toEqual([2]);
  });
});
