/**
 * Slack's pace, kept in process: chat.postMessage about one message a second per channel,
 * chat.update (tier 3) about fifty a minute per workspace. These are best-effort per replica;
 * a 429 that gets through anyway is waited out by the Web API client (Retry-After), so a
 * message is delayed, never dropped.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

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

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

interface Slot<P> {
  running: boolean;
  pending?: { payload: P; send: (payload: P) => Promise<void>; waiters: Waiter[] };
}

/**
 * Edits of one message where only the last one matters (progress, a card): while one edit is
 * in flight, newer ones replace each other and only the latest is sent after it. Every caller's
 * promise settles with the send that carried their edit or a later one.
 */
export class LatestOnly<P> {
  private readonly slots = new Map<string, Slot<P>>();

  submit(key: string, payload: P, send: (payload: P) => Promise<void>): Promise<void> {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { running: false };
      this.slots.set(key, slot);
    }
    const current = slot;
    return new Promise<void>((resolve, reject) => {
      if (current.pending) {
        current.pending.payload = payload;
        current.pending.send = send;
        current.pending.waiters.push({ resolve, reject });
      } else {
        current.pending = { payload, send, waiters: [{ resolve, reject }] };
      }
      if (!current.running) void this.drain(key, current);
    });
  }

  /** Edits waiting behind one in flight, for all messages (for tests and shutdown). */
  get waiting(): number {
    let n = 0;
    for (const slot of this.slots.values()) n += slot.pending ? 1 : 0;
    return n;
  }

  private async drain(key: string, slot: Slot<P>): Promise<void> {
    slot.running = true;
    while (slot.pending) {
      const { payload, send, waiters } = slot.pending;
      slot.pending = undefined;
      try {
        await send(payload);
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    slot.running = false;
    if (this.slots.get(key) === slot) this.slots.delete(key);
  }
}
