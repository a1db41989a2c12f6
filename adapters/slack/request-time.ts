/**
 * Slack signs `v0:{timestamp}:{body}` and asks apps to refuse a timestamp more than five minutes
 * from their clock, "to protect against replay attacks"
 * (https://api.slack.com/authentication/verifying-requests-from-slack). Bolt's check refuses only
 * old ones; a signed request dated ahead would stay replayable until its date had passed, so the
 * same five minutes apply forwards.
 */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** How far ahead of `nowMs` a request's X-Slack-Request-Timestamp lies, in seconds (≤ 0 if not ahead). */
export function secondsAhead(header: string | string[] | undefined, nowMs: number): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d{1,12}$/.test(value.trim())) return 0; // Bolt refuses it as malformed
  return Number(value.trim()) - Math.floor(nowMs / 1000);
}
