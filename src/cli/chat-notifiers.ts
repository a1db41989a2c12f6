import type { Redis } from "ioredis";
import { SlackNotifier } from "../../adapters/slack/notifier.js";
import { createTeamsNotifier } from "../../adapters/teams/notifier.js";
import type { Config } from "../config/env.js";
import type { Logger } from "../log.js";
import type { NotifierRegistry } from "../notify/port.js";

/** The chat platforms' notifiers this worker is configured for. */
export function chatNotifiers(
  config: Config,
  state: Redis,
  statePrefix: string,
  logger: Logger,
): NotifierRegistry {
  const notifiers: NotifierRegistry = {};
  if (config.slack.enabled && config.slack.botToken) {
    notifiers.slack = new SlackNotifier({
      botToken: config.slack.botToken,
      apiUrl: config.slack.apiUrl,
      logger,
    });
  }
  if (config.teams.enabled) {
    const { publicUrl } = config.signIn;
    notifiers.teams = createTeamsNotifier(config.teams, {
      redis: state,
      keyPrefix: statePrefix,
      logger,
      ...(publicUrl ? { publicUrl } : {}),
    });
  }
  return notifiers;
}
