import { parseRetryAfter, type RetryPolicy, withRetry } from "../../src/delivery/backoff.js";
import { statusCodeOf } from "./http-status.js";

/**
 * Teams answers 429 when a bot sends too fast, 412 when an edit races another one, and 502/504
 * when the service is briefly away; Microsoft's page says to retry those four with exponential
 * backoff and jitter (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit).
 * Everything else is final. (botbuilder's own HTTP pipeline already retries 5xx a few times with
 * a Retry-After-aware policy; this layer adds 429 without Retry-After and 412, and bounds the
 * whole.) The backoff itself is the shared one (src/delivery/backoff.ts).
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([412, 429, 502, 504]);

export type RetryOptions = RetryPolicy;

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** The Retry-After of a failed Bot Connector call, when it sent one. */
export function retryAfterOf(err: unknown): number | undefined {
  const response = (err as { response?: { headers?: { get?: (name: string) => string | undefined } } })
    ?.response;
  return parseRetryAfter(response?.headers?.get?.("retry-after"), Date.now());
}

/** A Bot Connector call, retried as Teams asks. */
export function withTeamsRetry<T>(send: () => Promise<T>, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
  return withRetry(send, options, {
    retryable: (err) => {
      const status = statusCodeOf(err);
      return status !== undefined && RETRYABLE_STATUSES.has(status);
    },
    retryAfterMs: retryAfterOf,
  });
}
