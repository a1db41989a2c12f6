import { createSlackAdapter, type SlackAdapter } from "../../adapters/slack/app.js";
import { createTeamsAdapter, mountTeams } from "../../adapters/teams/adapter.js";
import { MfaTeamsBot } from "../../adapters/teams/bot.js";
import { ConversationReferenceStore } from "../../adapters/teams/conversation-refs.js";
import { loadConfig } from "../config/env.js";
import { loadPolicy } from "../config/policy.js";
import { withTimeout } from "../delivery/deadline.js";
import { Outbox } from "../delivery/outbox.js";
import { mountMetrics } from "../http/metrics.js";
import { HttpServer } from "../http/server.js";
import { createLogger } from "../log.js";
import { connectRedisFailFast, RequestQueue } from "../queue/queues.js";
import { watchRedis } from "../queue/redis-watch.js";
import { mountFileRoutes } from "../report/file-routes.js";
import { FileShelf } from "../report/file-shelf.js";
import { statePrefix } from "../run/worker-runtime.js";
import { mountSignInRoutes } from "../signin/wiring.js";
import { requireRedis, warnAboutRedisSettings } from "./require-redis.js";

/** `mfa-bot serve`: one HTTP server on PORT for Slack, Teams and health. */
export async function runServe(): Promise<number> {
  const config = loadConfig("serve");
  if (config.policy.required) await loadPolicy(config.policy.path);
  const logger = createLogger({ level: config.log.level, name: "mfa-bot-serve" });
  if (!(await requireRedis("serve", config.redis))) return 1;
  // Fail fast: with Redis down, a chat user is told so at once instead of waiting.
  const redis = connectRedisFailFast(config.redis.url);
  watchRedis(redis, logger, "serve");
  const queue = new RequestQueue({ redisUrl: config.redis.url, prefix: config.queue.prefix }, redis);
  await warnAboutRedisSettings(redis, logger);
  const server = new HttpServer(logger);
  server.addReadinessCheck({
    name: "redis",
    check: async () => {
      if (redis.status !== "ready") throw new Error(`redis is ${redis.status}`);
      await redis.ping();
    },
  });
  server.addReadinessCheck({
    name: "queue",
    check: async () => {
      await queue.queue.getJobCounts("waiting");
    },
  });
  mountMetrics(server, queue.queue, new Outbox({ redis, prefix: statePrefix(config.queue.prefix), logger }));
  let slack: SlackAdapter | undefined;
  if (config.slack.enabled && config.slack.botToken) {
    slack = createSlackAdapter({
      signingSecret: config.slack.signingSecret,
      botToken: config.slack.botToken,
      appToken: config.slack.socketMode ? config.slack.appToken : undefined,
      apiUrl: config.slack.apiUrl,
      queue,
      logger,
      server,
    });
    await slack.start();
  }
  if (config.teams.enabled) {
    const bot = new MfaTeamsBot({
      jobs: queue,
      references: new ConversationReferenceStore(redis, statePrefix(config.queue.prefix)),
      logger,
      emulatorMode: config.teams.emulatorMode,
    });
    mountTeams(server, config.teams, { adapter: createTeamsAdapter(config.teams, logger), bot, logger });
    // The report's CSV and chart reach Teams as links to here (the worker shelves them in Redis).
    if (config.signIn.publicUrl) {
      mountFileRoutes(server, new FileShelf(redis, statePrefix(config.queue.prefix)), logger);
    }
  }
  const { publicUrl, redirectUri } = config.signIn;
  const credentials = config.graph.credentials;
  // loadConfig has made sure the app's credentials come with MFA_BOT_PUBLIC_URL.
  if (publicUrl && redirectUri && credentials) {
    for (const variable of config.graph.insecure.filter((v) => v === "AZURE_AUTHORITY_HOST")) {
      logger.warn(
        { variable },
        `${variable} is plain http:// to another machine (ALLOW_INSECURE_GRAPH=1): the client secret and sign-in codes cross the network unencrypted`,
      );
    }
    mountSignInRoutes(server, {
      publicUrl,
      authorityHost: config.graph.authorityHost,
      tenant: credentials.tenantId,
      credential: { clientId: credentials.clientId, clientSecret: credentials.clientSecret },
      redis,
      statePrefix: statePrefix(config.queue.prefix),
      jobs: queue,
      logger,
    });
  }
  const port = await server.listen(config.http.port, config.http.host);
  logger.info(
    {
      host: config.http.host,
      port,
      slack: config.slack.enabled,
      teams: config.teams.enabled,
      signIn: redirectUri ?? false,
    },
    "listening",
  );
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
  // Each step bounded: a shutdown never waits on a Redis that is not there.
  await withTimeout(slack?.stop() ?? Promise.resolve(), 5_000, "Slack's receiver").catch(() => {});
  await server.close();
  await withTimeout(queue.close(), 2_000).catch(() => {});
  // The queue closes only connections it opened; this one is ours.
  redis.disconnect();
  return 0;
}
