import { DeliveryError } from "../../src/notify/port.js";
import { statusCodeOf } from "./http-status.js";

/**
 * Whether a failed Bot Connector call may succeed later, for the outbox: no status (the service
 * could not be reached), 5xx, 429 and 412 — what Microsoft says to retry
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit) — yes; any
 * other answer (403 the bot was removed, 404 no such conversation) no.
 */
export function isRetryableTeamsFailure(err: unknown): boolean {
  if (err instanceof DeliveryError) return false;
  const status = statusCodeOf(err);
  return status === undefined || status >= 500 || status === 429 || status === 412;
}
