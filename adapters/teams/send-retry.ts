import { setTimeout as delay } from "node:timers/promises";
import { statusCodeOf } from "./http-status.js";

/**
 * Teams answers 429 when a bot sends too fast, 412 when an edit races another one, and 502/504
 * when the service is briefly away. Those are retried with exponential backoff and jitter,
 * honouring Retry-After; everything else is final. (botbuilder's own HTTP pipeline already
 * retries 5xx a few times with a Retry-After-aware policy; this layer adds 429 without
 * Retry-After and 412, and bounds the whole.)
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([412, 429, 502, 504]);

export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
  /** For tests: 0 ≤ random() < 1 spreads the delays. */
  random?: () => number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

export function retryAfterMs(err: unknown): number | undefined {
  const response = (err as { response?: { headers?: { get?: (name: string) => string | undefined } } })
    ?.response;
  const header = response?.headers?.get?.("retry-after");
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Full jitter on an exponential step, never below what Retry-After asks for. */
export function backoffDelay(attempt: number, options: RetryOptions, err: unknown): number {
  const random = options.random ?? Math.random;
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  const jittered = step / 2 + random() * (step / 2);
  return Math.min(options.maxDelayMs, Math.max(jittered, retryAfterMs(err) ?? 0));
}

export async function withRetry<T>(
  send: () => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const status = statusCodeOf(err);
      if (status === undefined || !RETRYABLE_STATUSES.has(status) || attempt + 1 >= options.attempts)
        throw err;
      await sleep(backoffDelay(attempt, options, err));
    }
  }
}
