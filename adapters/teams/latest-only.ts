/**
 * Edits of one message, coalesced: an edit replaces the whole card, so while one edit of a
 * message is being sent only the newest waiting one matters. Superseded callers resolve when
 * the edit that replaced theirs is delivered (or reject with its error). Within one process —
 * one worker sends one operation's progress.
 */
interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Slot<T> {
  pending?: { value: T; waiters: Waiter[] };
}

export class LatestOnly<T> {
  private readonly slots = new Map<string, Slot<T>>();

  constructor(private readonly perform: (key: string, value: T) => Promise<void>) {}

  run(key: string, value: T): Promise<void> {
    const slot = this.slots.get(key);
    if (slot) {
      return new Promise<void>((resolve, reject) => {
        const waiters = slot.pending?.waiters ?? [];
        waiters.push({ resolve, reject });
        slot.pending = { value, waiters };
      });
    }
    const fresh: Slot<T> = {};
    this.slots.set(key, fresh);
    const first = this.perform(key, value);
    void first.then(
      () => this.drain(key, fresh),
      () => this.drain(key, fresh),
    );
    return first;
  }

  private async drain(key: string, slot: Slot<T>): Promise<void> {
    while (slot.pending) {
      const { value, waiters } = slot.pending;
      slot.pending = undefined;
      try {
        await this.perform(key, value);
        for (const waiter of waiters) waiter.resolve();
      } catch (err) {
        for (const waiter of waiters) waiter.reject(err);
      }
    }
    this.slots.delete(key);
  }
}
