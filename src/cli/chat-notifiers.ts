import type { Redis } from "ioredis";
import type { Config } from "../config/env.js";
import type { Logger } from "../log.js";
import type { NotifierRegistry } from "../notify/port.js";

/** The Slack and Teams notifiers this process is configured for (none yet wired: see the adapters). */
export function chatNotifiers(
  _config: Config,
  _state: Redis,
  _prefix: string,
  _logger: Logger,
): NotifierRegistry {
  return {};
}
