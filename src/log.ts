import { AsyncLocalStorage } from "node:async_hooks";
import { type Logger, pino } from "pino";
import { redactUrls } from "./config/redact-url.js";

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
  // A user's sign-in (src/signin): none of these is ever logged on purpose; if one were, it is hidden.
  "id_token",
  "*.id_token",
  "refresh_token",
  "*.refresh_token",
  "code_verifier",
  "*.code_verifier",
  "codeVerifier",
  "*.codeVerifier",
  "nonce",
  "*.nonce",
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
      // A fresh object every line: pino merges the line's own fields into what the mixin returns
      // (Object.assign(mixin, fields)), so handing it the stored context would write each line's
      // fields into the request's context and into every later line of that request.
      mixin: () => {
        const context = requestContext.getStore();
        return context ? { requestId: context.requestId } : {};
      },
    },
    redactingUrls(destination ?? pino.destination(2)),
  );
}

/** Every line, whatever printed it (a message, an error, a child's bindings), without credentials in URLs. */
function redactingUrls(destination: pino.DestinationStream): pino.DestinationStream {
  return { write: (line: string) => destination.write(redactUrls(line)) };
}

/** A logger that discards everything; for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: "silent" });
