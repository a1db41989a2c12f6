/**
 * Work that runs after Slack has its ack (identity lookups, the enqueue). Tracked so that
 * shutdown (and a test) can wait until every acknowledged request has been queued or answered.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Resolves once nothing started so far (or while waiting) is still running. */
  async drain(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
    }
  }

  get size(): number {
    return this.running.size;
  }
}

/**
 * Work after an ack yields to the event loop first, so that acks for requests already waiting
 * go out before it.
 */
export function afterAck<T>(work: () => Promise<T>): Promise<T> {
  return new Promise<void>((resolve) => setImmediate(resolve)).then(work);
}
