import { DeliveryError } from "../../src/notify/port.js";
import { slackErrorCode } from "./slack-client.js";

/**
 * Whether a failed Slack call may succeed later, for the outbox (src/delivery/outbox.ts): Slack
 * away — a network error, a 5xx, a timeout, a rate limit that outlasted the client's retries
 * (https://api.slack.com/apis/rate-limits) — is worth another try; an answer from Slack itself
 * (`channel_not_found`, `invalid_blocks`, … — https://api.slack.com/web#responses) is not,
 * and neither is a DeliveryError the notifier raised for a person to act on.
 */
export function isRetryableSlackFailure(err: unknown): boolean {
  if (err instanceof DeliveryError) return false;
  const code = slackErrorCode(err);
  return (
    code === undefined || code === "ratelimited" || code === "service_unavailable" || code === "fatal_error"
  );
}

/**
 * For a notifier behind the outbox: give up on a call within seconds rather than Slack's own
 * thirty minutes, since the outbox keeps and retries it (across restarts) instead.
 */
export const OUTBOX_SLACK_RETRY = { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2_000 } as const;
