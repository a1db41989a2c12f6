import { AsyncLocalStorage } from "node:async_hooks";
import { type Logger, pino } from "pino";

/**
 * The request being worked on. The worker runs each job inside it, so every log line of
 * that job — the Graph client's included — carries the request id the adapter gave it.
 */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/**
 * One JSON line per event. Secrets never reach the log: tokens, client secrets,
 * signing secrets and Authorization headers are redacted wherever they appear.
 */
export const REDACT_PATHS = [
  "access_token",
  "*.access_token",
  "client_secret",
  "*.client_secret",
  "client_assertion",
  "*.client_assertion",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "password",
  "*.password",
  "SLACK_BOT_TOKEN",
  "SLACK_SIGNING_SECRET",
  "SLACK_APP_TOKEN",
  "AZURE_CLIENT_SECRET",
  "MicrosoftAppPassword",
];

export type { Logger };

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      name: options.name ?? "mfa-bot",
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      mixin: () => requestContext.getStore() ?? {},
    },
    destination ?? pino.destination(2),
  );
}

/** A logger that discards everything; for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: "silent" });
