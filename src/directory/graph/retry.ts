/**
 * The Graph client's timing and backoff are the bot's one delivery toolkit (src/delivery): the
 * same Retry-After parsing and equal-jitter backoff as the Slack and Teams notifiers.
 */
export { backoffDelay, parseRetryAfter } from "../../delivery/backoff.js";
export { realClock as realTiming, type Timing } from "../../delivery/clock.js";
