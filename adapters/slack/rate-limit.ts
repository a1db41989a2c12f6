/**
 * Slack's pace, kept in process: chat.postMessage about one message a second per channel,
 * chat.update (tier 3) about fifty a minute per workspace. These are best-effort per replica;
 * a 429 that gets through anyway is waited out by the Web API client (Retry-After), so a
 * message is delayed, never dropped (https://api.slack.com/apis/rate-limits).
 */
import { type Clock, realClock } from "../../src/delivery/clock.js";

export type { Clock } from "../../src/delivery/clock.js";
export { LatestOnly } from "../../src/delivery/latest-only.js";

interface Lane {
  tail: Promise<void>;
  lastStart: number;
  pending: number;
}

/** Runs tasks one at a time per key, in order, each starting at least `intervalMs` after the one before. */
export class KeyedPacer {
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (this.lanes.size > 1_000) this.prune();
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { tail: Promise.resolve(), lastStart: Number.NEGATIVE_INFINITY, pending: 0 };
      this.lanes.set(key, lane);
    }
    const current = lane;
    current.pending += 1;
    const result = current.tail.then(async () => {
      const wait = current.lastStart + this.intervalMs - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait);
      current.lastStart = this.clock.now();
      return task();
    });
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    current.tail = settled;
    void settled.then(() => {
      current.pending -= 1;
    });
    return result;
  }

  /** Forgets lanes that are idle and whose interval has passed: they would not delay anything. */
  private prune(): void {
    const now = this.clock.now();
    for (const [key, lane] of this.lanes) {
      if (lane.pending === 0 && now - lane.lastStart >= this.intervalMs) this.lanes.delete(key);
    }
  }
}
