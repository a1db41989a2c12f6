import { once } from "node:events";
import type { Redis } from "ioredis";
import { withTimeout } from "../delivery/deadline.js";
import type { Logger } from "../log.js";
import { redisSettingsWarnings, waitForRedis } from "../queue/redis-health.js";

/** How long start-up waits for a Redis that does not answer yet (one starting beside us). */
export const STARTUP_REDIS_WAIT_MS = 10_000;

/**
 * Start-up gate for `serve`, `worker` and `console`: Redis must answer, on the database the URL
 * names, within STARTUP_REDIS_WAIT_MS (a refused database or password fails at once). Else one
 * line on stderr and false — the caller exits non-zero.
 */
export async function requireRedis(command: string, url: string): Promise<boolean> {
  const ready = await waitForRedis(url, { deadlineMs: STARTUP_REDIS_WAIT_MS });
  if (ready.ok) return true;
  process.stderr.write(`mfa-bot ${command}: ${ready.line}\n`);
  return false;
}

/** Logs each Redis setting that puts acknowledged work at risk (see REQUIRED_REDIS_SETTINGS). */
export async function warnAboutRedisSettings(redis: Redis, logger: Logger): Promise<string[]> {
  // A fail-fast connection refuses commands until it is ready: wait for that, briefly.
  if (redis.status !== "ready") await withTimeout(once(redis, "ready"), 5_000).catch(() => {});
  const warnings = await redisSettingsWarnings(redis);
  for (const warning of warnings) logger.warn(warning);
  return warnings;
}
