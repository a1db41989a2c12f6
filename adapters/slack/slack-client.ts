import { webApi } from "@slack/bolt";
import type { Logger } from "../../src/log.js";
import { slackLogger } from "./bolt-logger.js";

export type SlackWebClient = webApi.WebClient;
export type SlackRetryOptions = webApi.RetryOptions;

export interface SlackClientOptions {
  botToken: string;
  /** Web API base (SLACK_API_URL); tests point it at a local fake. */
  apiUrl: string;
  logger: Logger;
  /**
   * Network errors and 5xx are retried with backoff; a 429 waits the Retry-After Slack sends
   * and then retries. Defaults to Slack's own policy (ten tries in about thirty minutes).
   */
  retryConfig?: SlackRetryOptions;
}

/** The Web API client, without Bolt's App: the worker's notifier uses it too. */
export function createSlackClient(options: SlackClientOptions): SlackWebClient {
  return new webApi.WebClient(options.botToken, {
    slackApiUrl: options.apiUrl,
    logger: slackLogger(options.logger, "slack-web-api"),
    retryConfig: options.retryConfig ?? webApi.retryPolicies.tenRetriesInAboutThirtyMinutes,
    rejectRateLimitedCalls: false,
    // Method names only: a URL from a payload must never become a request with our token.
    allowAbsoluteUrls: false,
  });
}

/** Slack's error code (`users_not_found`, `missing_scope`…) when the API said no, else undefined. */
export function slackErrorCode(err: unknown): string | undefined {
  if (err instanceof webApi.WebAPIPlatformError) return err.data.error;
  return undefined;
}

/** For `missing_scope`: the scope Slack says is needed. */
export function neededScope(err: unknown): string | undefined {
  if (err instanceof webApi.WebAPIPlatformError) {
    const needed = (err.data as { needed?: unknown }).needed;
    return typeof needed === "string" ? needed : undefined;
  }
  return undefined;
}
