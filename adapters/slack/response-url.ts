import { parseRetryAfter } from "../../src/delivery/backoff.js";
import type { Clock } from "../../src/delivery/clock.js";

/** The response_url refused the message (expired after 30 minutes, used five times, …). */
export class ResponseUrlError extends Error {
  override readonly name = "ResponseUrlError";

  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`response_url answered ${status}${detail ? `: ${detail}` : ""}`);
  }
}

export interface ResponseUrlOptions {
  fetch: typeof fetch;
  clock: Clock;
  /** 429s are waited out (Retry-After) up to this many tries; then the caller falls back. */
  maxAttempts: number;
}

const MAX_RETRY_AFTER_MS = 60_000;
const TRANSIENT_TRIES = 3;

/**
 * Where a response_url may point: Slack's own hooks host — `https://hooks.slack.com/commands/…`,
 * `/actions/…`, `/app/…` (https://api.slack.com/interactivity/handling#message_responses) — or
 * GovSlack's, which runs on slack-gov.com instead of slack.com
 * (https://api.slack-gov.com/gov-slack/about), over https only; and the origin of the configured
 * SLACK_API_URL, so that a local fake Slack can serve both in tests. A signed payload naming any
 * other host is not followed.
 */
export function slackResponseUrlCheck(apiUrl: string): (url: string) => boolean {
  return slackHostCheck(apiUrl, /^hooks\.slack(-gov)?\.com$/);
}

/** URLs on a Slack host `host` matches (https, default port, no credentials), or on SLACK_API_URL's origin. */
export function slackHostCheck(apiUrl: string, host: RegExp): (url: string) => boolean {
  let apiOrigin: string | undefined;
  try {
    apiOrigin = new URL(apiUrl).origin;
  } catch {
    apiOrigin = undefined;
  }
  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.username || parsed.password) return false;
    if (parsed.protocol === "https:" && host.test(parsed.hostname) && !parsed.port) return true;
    return apiOrigin !== undefined && parsed.origin === apiOrigin;
  };
}

/** Posts a message to a Slack response_url, waiting out 429s and retrying brief failures. */
export async function postToResponseUrl(
  url: string,
  body: object,
  options: ResponseUrlOptions,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await options.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify(body),
        redirect: "error",
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      if (attempt >= TRANSIENT_TRIES) throw err;
      await options.clock.sleep(250 * 2 ** attempt);
      continue;
    }
    const text = await response.text();
    if (response.ok && !reportsFailure(text)) return;
    if (response.status === 429 && attempt < options.maxAttempts) {
      await options.clock.sleep(retryAfterMs(response.headers.get("retry-after"), options.clock.now()));
      continue;
    }
    if (response.status >= 500 && attempt < TRANSIENT_TRIES) {
      await options.clock.sleep(250 * 2 ** attempt);
      continue;
    }
    throw new ResponseUrlError(response.status, text.slice(0, 200));
  }
}

/** Slack answers some refusals with 200 and `{"ok":false,"error":…}`. */
function reportsFailure(text: string): boolean {
  if (!text.startsWith("{")) return false;
  try {
    return (JSON.parse(text) as { ok?: unknown }).ok === false;
  } catch {
    return false;
  }
}

/** What Slack asked us to wait (a second when it did not say), within reason. */
export function retryAfterMs(header: string | null, now: number): number {
  return Math.min(parseRetryAfter(header, now) ?? 1_000, MAX_RETRY_AFTER_MS);
}
