interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

interface Slot<P> {
  running: boolean;
  pending?: { payload: P; send: (payload: P) => Promise<void>; waiters: Waiter[] };
}

/**
 * Edits of one message where only the last one matters (progress, an approval card): an edit
 * replaces the whole message, so while one edit is in flight, newer ones replace each other
 * and only the latest is sent after it. Every caller's promise settles with the send that
 * carried their edit or a later one. Within one process: one worker sends one operation's
 * progress. Used by the Slack and Teams notifiers alike.
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
