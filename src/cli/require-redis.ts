import { once } from "node:events";
import type { Redis } from "ioredis";
import { withTimeout } from "../delivery/deadline.js";
import type { Logger } from "../log.js";
import { redisSettingsWarnings, waitForRedis } from "../queue/redis-health.js";

/**
 * Start-up gate for `serve`, `worker` and `console`: Redis must answer, on the database the URL
 * names, within `waitSeconds` (MFA_BOT_REDIS_WAIT_SECONDS; a refused database or password fails at once). Else one
 * line on stderr and false — the caller exits non-zero.
 */
export async function requireRedis(
  command: string,
  redis: { url: string; waitSeconds: number },
): Promise<boolean> {
  const ready = await waitForRedis(redis.url, { deadlineMs: redis.waitSeconds * 1000 });
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
