import { loadConfig } from "../config/env.js";
import { loadPolicy } from "../config/policy.js";
import { HttpServer } from "../http/server.js";
import { createLogger } from "../log.js";
import { connectRedis, RequestQueue } from "../queue/queues.js";

/** `mfa-bot serve`: one HTTP server on PORT for Slack, Teams and health. */
export async function runServe(): Promise<number> {
  const config = loadConfig("serve");
  if (config.policy.required) await loadPolicy(config.policy.path);
  const logger = createLogger({ level: config.log.level, name: "mfa-bot-serve" });
  const redis = connectRedis(config.redis.url, { blocking: false });
  const queue = new RequestQueue({ redisUrl: config.redis.url, prefix: config.queue.prefix }, redis);
  const server = new HttpServer(logger);
  server.addReadinessCheck({
    name: "redis",
    check: async () => {
      await redis.ping();
    },
  });
  server.addReadinessCheck({
    name: "queue",
    check: async () => {
      await queue.queue.getJobCounts("waiting");
    },
  });
  const port = await server.listen(config.http.port);
  logger.info({ port }, "listening");
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
  await server.close();
  await queue.close();
  return 0;
}
