/**
 * Time as every retry and pacing loop sees it (the Graph client, the Slack and Teams
 * notifiers, the Slack ack's background work): injectable, so tests neither wait nor depend
 * on the wall clock.
 */
export interface Clock {
  /** Milliseconds, as Date.now(). */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** A clock with the randomness that spreads retries out (0 ≤ random() < 1). */
export interface Timing extends Clock {
  random(): number;
}

export const realClock: Timing = {
  now: () => Date.now(),
  sleep: (ms) => (ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms))),
  random: () => Math.random(),
};
