import { realClock, type Timing } from "./clock.js";

/**
 * Backoff and Retry-After, once for every service the bot talks to: Microsoft Graph
 * (https://learn.microsoft.com/en-us/graph/throttling), the Bot Connector
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit) and Slack
 * (https://api.slack.com/apis/rate-limits) all answer 429 with a Retry-After to wait.
 */

/**
 * `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Returns milliseconds, or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so
 * concurrent callers spread out but none retries at once.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface RetryPolicy {
  /** Tries in all, the first one included. */
  attempts: number;
  baseDelayMs: number;
  /** No wait is longer, whatever Retry-After asks. */
  maxDelayMs: number;
  /** For tests: how to wait and how to spread the waits. */
  timing?: Partial<Pick<Timing, "sleep" | "random">>;
}

/** The wait before retry number `attempt` (0 = the first retry): the backoff, never below Retry-After. */
export function retryDelay(attempt: number, policy: RetryPolicy, retryAfterMs: number | undefined): number {
  const random = policy.timing?.random ?? realClock.random;
  const backoff = backoffDelay(attempt, policy.baseDelayMs, policy.maxDelayMs, random);
  return Math.min(policy.maxDelayMs, Math.max(backoff, retryAfterMs ?? 0));
}

export interface RetryRules {
  /** Whether this failure may pass if tried again (429, a brief outage); anything else is thrown at once. */
  retryable(err: unknown): boolean;
  /** The wait the service asked for, if it said. */
  retryAfterMs?(err: unknown): number | undefined;
}

/** Runs `send`, retrying what may pass, waiting as the policy and the service say. */
export async function withRetry<T>(
  send: () => Promise<T>,
  policy: RetryPolicy,
  rules: RetryRules,
): Promise<T> {
  const sleep = policy.timing?.sleep ?? realClock.sleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (!rules.retryable(err) || attempt + 1 >= policy.attempts) throw err;
      await sleep(retryDelay(attempt, policy, rules.retryAfterMs?.(err)));
    }
  }
}
