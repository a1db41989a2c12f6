import type { EventEmitter } from "node:events";
import type { Logger } from "../log.js";

/**
 * One log line when a Redis connection (or a BullMQ queue or worker on it) starts failing, and
 * one when it is back — not a line, or a stack trace, per reconnection attempt. Attaching it is
 * also what keeps ioredis and BullMQ from printing "Unhandled error event" traces: an emitter
 * with no `error` listener throws, and they print what it threw.
 */
export function watchRedis(emitter: EventEmitter, logger: Logger, what: string): void {
  let down = false;
  emitter.on("error", (err: unknown) => {
    if (down) return;
    down = true;
    logger.warn(
      { err: err instanceof Error ? err.message : String(err), what },
      "Redis unavailable: retrying",
    );
  });
  emitter.on("ready", () => {
    if (!down) return;
    down = false;
    logger.info({ what }, "Redis is back");
  });
}

/**
 * For emitters that report more than connection trouble (a BullMQ Worker: lost locks, failed
 * scripts): every distinct message is logged, but the same one at most once per `everyMs`.
 */
export function logErrorsSparingly(
  emitter: EventEmitter,
  logger: Logger,
  what: string,
  everyMs = 30_000,
): void {
  const last = new Map<string, number>();
  emitter.on("error", (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    const now = Date.now();
    if ((last.get(message) ?? Number.NEGATIVE_INFINITY) > now - everyMs) return;
    last.set(message, now);
    if (last.size > 100) last.clear();
    logger.error({ err: message, what }, `${what} error`);
  });
}
