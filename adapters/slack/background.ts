import type { Clock } from "../../src/delivery/clock.js";

export interface BackgroundWorkOptions {
  /** Work starts once no Slack request has arrived for this long (default 8 ms)… */
  quietMs?: number;
  /** …or once it has waited this long, however busy Slack keeps us (default 200 ms). */
  maxDelayMs?: number;
  /** A monotonic clock by default: only the gaps between requests matter. */
  now?: Clock["now"];
}

interface Pending {
  start: () => void;
  since: number;
}

/**
 * Work that runs after Slack has its ack (identity lookups, the enqueue). Acks come first:
 * while requests keep arriving (a burst of clicks or commands) the work waits, and it starts
 * as soon as there is a quiet moment, or after `maxDelayMs` at the latest. The ack itself
 * then costs little more than Bolt's own, however much a burst brings. Everything started is
 * tracked, so shutdown (and a test) can wait until each acknowledged request has been queued
 * or answered.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<unknown>>();
  private readonly pending: Pending[] = [];
  private readonly quietMs: number;
  private readonly maxDelayMs: number;
  private readonly now: Clock["now"];
  private lastActivity = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: BackgroundWorkOptions = {}) {
    this.quietMs = options.quietMs ?? 8;
    this.maxDelayMs = options.maxDelayMs ?? 200;
    this.now = options.now ?? (() => performance.now());
  }

  /** A Slack request has arrived: background work holds back a little longer. */
  noteActivity(): void {
    this.lastActivity = this.now();
  }

  /** Runs `work` after the ack, when the adapter is not busy acknowledging others. */
  afterAck<T>(work: () => Promise<T>): Promise<T> {
    const result = new Promise<T>((resolve, reject) => {
      const start = () => {
        Promise.resolve().then(work).then(resolve, reject);
      };
      this.pending.push({ start, since: this.now() });
    });
    this.track(result);
    this.arm();
    return result;
  }

  /** Resolves once nothing started or scheduled so far (or while waiting) is still running. */
  async drain(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
    }
  }

  get size(): number {
    return this.running.size;
  }

  private track(work: Promise<unknown>): void {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
  }

  private arm(): void {
    if (this.timer || this.pending.length === 0) return;
    const now = this.now();
    const quietIn = this.lastActivity + this.quietMs - now;
    const deadlineIn = this.pending[0]!.since + this.maxDelayMs - now;
    const wait = Math.max(0, Math.min(quietIn, deadlineIn));
    this.timer = setTimeout(() => this.fire(), wait);
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.now();
    const quiet = now - this.lastActivity >= this.quietMs;
    const overdue = this.pending.length > 0 && now - this.pending[0]!.since >= this.maxDelayMs;
    if (quiet || overdue) {
      const batch = this.pending.splice(0, this.pending.length);
      for (const item of batch) item.start();
    }
    this.arm();
  }
}
