import type { IncomingMessage, ServerResponse } from "node:http";
import { App, HTTPReceiver, SocketModeReceiver } from "@slack/bolt";
import { type HttpServer, sendJson } from "../../src/http/server.js";
import type { Logger } from "../../src/log.js";
import type { RequestQueue } from "../../src/queue/queues.js";
import { BackgroundWork } from "./background.js";
import { slackLogger } from "./bolt-logger.js";
import { SlackIdentity } from "./identity.js";
import { registerApprovalActions } from "./listeners/actions.js";
import { registerSlashCommand } from "./listeners/command.js";
import type { ListenerDeps } from "./listeners/deps.js";
import { MAX_CLOCK_SKEW_SECONDS, secondsAhead } from "./request-time.js";
import { slackResponseUrlCheck } from "./response-url.js";
import { createSlackClient, type SlackRetryOptions, type SlackWebClient } from "./slack-client.js";
import { SlackWorkspace } from "./workspace.js";

export const SLACK_EVENTS_PATH = "/slack/events";

/**
 * Slash commands and button clicks are small; a block_actions payload carries the whole message
 * (at most 50 blocks: https://api.slack.com/reference/block-kit/blocks), well under this.
 */
export const SLACK_MAX_BODY_BYTES = 1024 * 1024;

export interface SlackAdapterOptions {
  /** SLACK_SIGNING_SECRET: every request to /slack/events is verified with it (HTTP mode). */
  signingSecret?: string | undefined;
  /** SLACK_BOT_TOKEN. */
  botToken: string;
  /** SLACK_APP_TOKEN: Socket Mode instead of HTTP when set. */
  appToken?: string | undefined;
  /** SLACK_API_URL. */
  apiUrl: string;
  queue: Pick<RequestQueue, "enqueue">;
  logger: Logger;
  /** The one HTTP server: `POST /slack/events` is mounted on it (HTTP mode). */
  server?: HttpServer | undefined;
  /** Identity cache lifetime (default 10 minutes). */
  identityTtlMs?: number;
  /** Web API retry policy for lookups (default: five tries in about five minutes). */
  retryConfig?: SlackRetryOptions;
}

export interface SlackAdapter {
  readonly mode: "http" | "socket";
  readonly app: App;
  /** The Web API client (shared with a SlackNotifier in the same process if wanted). */
  readonly client: SlackWebClient;
  readonly identity: SlackIdentity;
  /** Bolt's request listener for /slack/events, for mounting on another server (HTTP mode). */
  readonly requestListener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** Connects the Socket Mode websocket; nothing to do in HTTP mode (the shared server listens). */
  start(): Promise<void>;
  /** Waits until every acknowledged request has been queued or answered. */
  drain(): Promise<void>;
  /** Stops taking Slack requests (Socket Mode) and drains. */
  stop(): Promise<void>;
}

/**
 * The Slack side of `mfa-bot serve`: Bolt's own receivers (HTTPReceiver's signature check and
 * ack machinery on our shared server, or Socket Mode), the `/mfa` command and the approval
 * buttons. Listeners ack at once and never call Graph; they queue jobs for the worker.
 */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const boltLog = slackLogger(options.logger, "slack-bolt");
  const client = createSlackClient({
    botToken: options.botToken,
    apiUrl: options.apiUrl,
    logger: options.logger,
    retryConfig: options.retryConfig ?? {
      retries: 4,
      factor: 2,
      minTimeout: 500,
      maxTimeout: 60_000,
      randomize: true,
    },
  });
  const workspace = new SlackWorkspace(client, options.logger);
  const identity = new SlackIdentity({
    client,
    logger: options.logger,
    workspace,
    ...(options.identityTtlMs !== undefined ? { ttlMs: options.identityTtlMs } : {}),
  });
  const background = new BackgroundWork();
  const socketMode = options.appToken !== undefined && options.appToken !== "";

  let httpReceiver: HTTPReceiver | undefined;
  let receiver: HTTPReceiver | SocketModeReceiver;
  if (socketMode) {
    receiver = new SocketModeReceiver({
      appToken: options.appToken!,
      logger: boltLog,
      installerOptions: { clientOptions: { slackApiUrl: options.apiUrl } },
    });
  } else {
    if (!options.signingSecret) {
      throw new Error("Slack over HTTP needs SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)");
    }
    httpReceiver = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      logger: boltLog,
      // Ack first, work after: Slack gets its answer as soon as a listener calls ack().
      processBeforeResponse: false,
      // The shared server has read the body within this limit already; mounted elsewhere, Bolt checks it.
      bodyLimit: SLACK_MAX_BODY_BYTES,
    });
    receiver = httpReceiver;
  }

  const app = new App({
    receiver,
    ...(socketMode ? { socketMode: true, appToken: options.appToken } : {}),
    logger: boltLog,
    clientOptions: { slackApiUrl: options.apiUrl },
    // A fixed bot token without Bolt's own auth.test: no Slack API call may come before an ack.
    authorize: async () => ({ botToken: options.botToken }),
    // We listen to no message events, so there is nothing of our own to ignore or remember.
    ignoreSelf: false,
    convoStore: false,
  });
  app.error(async (error) => {
    options.logger.error({ err: error }, "slack listener failed");
  });

  const deps: ListenerDeps = {
    queue: options.queue,
    identity,
    logger: options.logger,
    background,
    workspace,
    isTrustedResponseUrl: slackResponseUrlCheck(options.apiUrl),
  };
  registerSlashCommand(app, deps);
  registerApprovalActions(app, deps);

  const requestListener = httpReceiver?.requestListener;
  if (requestListener && options.server) {
    options.server.route(
      "POST",
      SLACK_EVENTS_PATH,
      (req, res) => {
        background.noteActivity();
        // Bolt refuses timestamps more than five minutes old; one from the future is refused here.
        const ahead = secondsAhead(req.headers["x-slack-request-timestamp"], Date.now());
        if (ahead > MAX_CLOCK_SKEW_SECONDS) {
          options.logger.warn({ secondsAhead: ahead }, "slack request refused: timestamp in the future");
          sendJson(res, 401, { error: "request timestamp is in the future" });
          return;
        }
        requestListener(req, res);
      },
      { maxBodyBytes: SLACK_MAX_BODY_BYTES },
    );
  } else if (!socketMode && !options.server) {
    options.logger.warn("Slack adapter created without a server: mount requestListener yourself");
  }

  return {
    mode: socketMode ? "socket" : "http",
    app,
    client,
    identity,
    requestListener,
    async start() {
      if (socketMode) await app.start();
    },
    drain: () => background.drain(),
    async stop() {
      if (socketMode) await app.stop();
      await background.drain();
    },
  };
}
