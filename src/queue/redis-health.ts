import { Redis } from "ioredis";
import { redactUrls } from "../config/redact-url.js";
import { withTimeout } from "../delivery/deadline.js";

export type RedisProbe = { ok: true } | { ok: false; problem: string; retryable: boolean };

/**
 * Connects once and runs PING, within `timeoutMs`. ioredis reports a failed `SELECT` (a database
 * index the server does not have) as an error event and then carries on connected to database 0,
 * so any error seen while connecting counts: a bot on the wrong database would look healthy and
 * share keys with whatever else lives there.
 */
export async function probeRedis(url: string, timeoutMs = 2_000): Promise<RedisProbe> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  let error: Error | undefined;
  client.on("error", (err: Error) => {
    error ??= err;
  });
  try {
    await client.connect();
    await client.ping();
    if (error) return { ok: false, problem: error.message, retryable: !isReplyError(error) };
    return { ok: true };
  } catch (err) {
    const cause = error ?? (err instanceof Error ? err : new Error(String(err)));
    return { ok: false, problem: cause.message, retryable: !isReplyError(cause) };
  } finally {
    client.disconnect();
  }
}

/**
 * An answer from the server itself ("ERR DB index is out of range", "WRONGPASS …", "NOAUTH …"):
 * the configuration is wrong, and waiting will not change it.
 */
function isReplyError(error: Error): boolean {
  return error.name === "ReplyError" || /^(ERR|WRONGPASS|NOAUTH|NOPERM)\b/.test(error.message);
}

/**
 * Start-up: waits up to `deadlineMs` for Redis to answer (it may be starting beside us), but not
 * for a configuration the server refuses. Resolves with the one line to print when it gives up.
 */
export async function waitForRedis(
  url: string,
  options: { deadlineMs?: number; intervalMs?: number } = {},
): Promise<{ ok: true } | { ok: false; line: string }> {
  const deadline = Date.now() + (options.deadlineMs ?? 10_000);
  for (;;) {
    const probe = await probeRedis(url, 2_000);
    if (probe.ok) return probe;
    const where = `${redactUrls(url)} (REDIS_URL)`;
    if (!probe.retryable)
      return { ok: false, line: `Redis at ${where} refused the connection: ${probe.problem}` };
    if (Date.now() >= deadline) {
      const waited = Math.round((options.deadlineMs ?? 10_000) / 1000);
      if (waited === 0) return { ok: false, line: `no Redis answers at ${where}: ${probe.problem}` };
      return { ok: false, line: `no Redis answers at ${where} after ${waited} s: ${probe.problem}` };
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
}

/**
 * What the bot needs of Redis so that nothing acknowledged to a person is lost
 * (https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/ — AOF with
 * `everysec` loses at most a second of writes; https://docs.bullmq.io/guide/going-to-production
 * — BullMQ's keys must never be evicted).
 */
export const REQUIRED_REDIS_SETTINGS = {
  appendonly: "yes",
  appendfsync: "everysec",
  "maxmemory-policy": "noeviction",
} as const;

/**
 * One warning per setting that differs from REQUIRED_REDIS_SETTINGS (`always` fsync is stricter,
 * so it passes). Managed Redis services often refuse CONFIG: then one warning says the settings
 * could not be checked, and which to make sure of.
 */
export async function redisSettingsWarnings(
  client: Pick<Redis, "call">,
  timeoutMs = 1_000,
): Promise<string[]> {
  const warnings: string[] = [];
  for (const [name, wanted] of Object.entries(REQUIRED_REDIS_SETTINGS)) {
    let value: string | undefined;
    try {
      const reply = await withTimeout(client.call("CONFIG", "GET", name), timeoutMs);
      value = Array.isArray(reply) && typeof reply[1] === "string" ? reply[1] : undefined;
    } catch (err) {
      const said = err instanceof Error ? err.message : String(err);
      return [
        `could not read Redis settings (CONFIG GET: ${said}); make sure of ${describeRequired()}, or acknowledged approvals and results can be lost in a restart`,
      ];
    }
    const ok = value === wanted || (name === "appendfsync" && value === "always");
    if (!ok) {
      warnings.push(
        `Redis ${name} is ${value ?? "unknown"}, not ${wanted}: acknowledged approvals and results can be lost in a restart or an eviction`,
      );
    }
  }
  return warnings;
}

function describeRequired(): string {
  return Object.entries(REQUIRED_REDIS_SETTINGS)
    .map(([name, value]) => `\`${name} ${value}\``)
    .join(", ");
}
