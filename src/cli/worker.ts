import { ConsoleNotifier } from "../../adapters/console/notifier.js";
import { loadConfig } from "../config/env.js";
import { loadPolicy } from "../config/policy.js";
import { createGraphDirectory } from "../directory/graph/index.js";
import { createRedisClassBudget } from "../directory/graph/redis-budget.js";
import { createLogger, type Logger } from "../log.js";
import type { NotifierRegistry } from "../notify/port.js";
import { connectRedis } from "../queue/queues.js";
import { watchRedis } from "../queue/redis-watch.js";
import { startWorkerRuntime, statePrefix } from "../run/worker-runtime.js";
import { ThrottleRelay } from "../worker/throttle-relay.js";
import { chatNotifiers, loadChatPlatforms } from "./chat-notifiers.js";
import { requireRedis, warnAboutRedisSettings } from "./require-redis.js";

/** `mfa-bot worker`: runs jobs until SIGTERM/SIGINT, then drains and exits 0. */
export async function runWorker(): Promise<number> {
  const config = loadConfig("worker");
  const policy = await loadPolicy(config.policy.path);
  const logger = createLogger({ level: config.log.level, name: "mfa-bot-worker" });
  for (const variable of config.graph.insecure) {
    logger.warn(
      { variable },
      `${variable} is plain http:// to another machine (ALLOW_INSECURE_GRAPH=1): the client secret and tokens cross the network unencrypted`,
    );
  }
  if (policy.requireLinkedIdentity.length > 0 && !config.signIn.publicUrl) {
    logger.warn(
      { requireLinkedIdentity: policy.requireLinkedIdentity },
      "the policy requires linked identities but MFA_BOT_PUBLIC_URL is not set: Slack users in those roles are refused and cannot link",
    );
  }
  if (!(await requireRedis("worker", config.redis))) return 1;
  const { tenantId, clientId, clientSecret } = config.graph.credentials;
  const throttle = new ThrottleRelay();
  // Graph limits the app per tenant, across every worker process: the budget lives in Redis,
  // one bucket per route class (MFA_BOT_GRAPH_RPS, when set, caps them all). The connection
  // waits for Redis through an outage rather than failing the job in hand.
  const budgetRedis = connectRedis(config.redis.url, { blocking: true });
  watchRedis(budgetRedis, logger, "worker");
  await warnAboutRedisSettings(budgetRedis, logger);
  const directory = createGraphDirectory({
    graphBaseUrl: config.graph.baseUrl,
    authorityHost: config.graph.authorityHost,
    tenantId,
    clientId,
    clientSecret,
    logger,
    budget: createRedisClassBudget(budgetRedis, statePrefix(config.queue.prefix), {
      limitScale: config.graph.limitScale,
      readUnitsPer10s: config.graph.readUnitsPer10s,
      ...(config.graph.requestsPerSecond === undefined
        ? {}
        : { overallRequestsPerSecond: config.graph.requestsPerSecond }),
    }),
    onThrottle: throttle.onThrottle,
    nonPremiumRetryMinutes: config.graph.reportRetryMinutes,
  });
  const chatPlatforms = await loadChatPlatforms(config, logger);
  let drainOutbox: () => Promise<void> = async () => {};
  const runtime = startWorkerRuntime({
    redisUrl: config.redis.url,
    prefix: config.queue.prefix,
    concurrency: config.queue.workerConcurrency,
    directory,
    policy,
    logger,
    throttle,
    settings: { publicUrl: config.signIn.publicUrl },
    notifiers: (state, prefix): NotifierRegistry => {
      const chat = chatNotifiers(chatPlatforms, state, prefix, logger);
      drainOutbox = chat.drainOutbox;
      return { console: new ConsoleNotifier(state, prefix), ...chat.notifiers };
    },
  });
  const outboxTimer = startOutboxDrain(() => drainOutbox(), logger);
  logger.info({ prefix: config.queue.prefix, concurrency: config.queue.workerConcurrency }, "worker started");
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "draining: finishing the jobs in hand");
      resolve();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  clearInterval(outboxTimer);
  await runtime.close();
  budgetRedis.disconnect();
  logger.info("worker stopped");
  return 0;
}

/** Every second, what waits in the outbox is tried again; one drain at a time. */
function startOutboxDrain(drain: () => Promise<void>, logger: Logger): NodeJS.Timeout {
  let running = false;
  return setInterval(() => {
    if (running) return;
    running = true;
    drain()
      .catch((err: unknown) =>
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, "outbox drain failed"),
      )
      .finally(() => {
        running = false;
      });
  }, 1_000);
}
