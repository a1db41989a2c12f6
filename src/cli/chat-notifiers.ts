import type { Redis } from "ioredis";
import { SlackNotifier } from "../../adapters/slack/notifier.js";
import { isRetryableSlackFailure, OUTBOX_SLACK_RETRY } from "../../adapters/slack/retryable.js";
import { createTeamsNotifier } from "../../adapters/teams/notifier.js";
import { isRetryableTeamsFailure } from "../../adapters/teams/retryable.js";
import type { Config } from "../config/env.js";
import { Outbox, OutboxNotifier, type RetryableCheck } from "../delivery/outbox.js";
import type { Logger } from "../log.js";
import type { NotifierRegistry, Platform } from "../notify/port.js";

export interface ChatNotifiers {
  /** What the worker sends through: each chat platform behind the outbox. */
  notifiers: NotifierRegistry;
  /** Delivers what waits in the outbox (the worker calls it every second). */
  drainOutbox(): Promise<void>;
}

const RETRYABLE: Partial<Record<Platform, RetryableCheck>> = {
  slack: isRetryableSlackFailure,
  teams: isRetryableTeamsFailure,
};

/** The chat platforms' notifiers this worker is configured for, behind the Redis outbox. */
export function chatNotifiers(
  config: Config,
  state: Redis,
  statePrefix: string,
  logger: Logger,
): ChatNotifiers {
  const direct: NotifierRegistry = {};
  if (config.slack.enabled && config.slack.botToken) {
    direct.slack = new SlackNotifier({
      botToken: config.slack.botToken,
      apiUrl: config.slack.apiUrl,
      logger,
      retryConfig: OUTBOX_SLACK_RETRY,
    });
  }
  if (config.teams.enabled) {
    const { publicUrl } = config.signIn;
    direct.teams = createTeamsNotifier(config.teams, {
      redis: state,
      keyPrefix: statePrefix,
      logger,
      ...(publicUrl ? { publicUrl } : {}),
    });
  }
  const outbox = new Outbox({ redis: state, prefix: statePrefix, logger });
  const notifiers: NotifierRegistry = {};
  for (const platform of ["slack", "teams"] as const) {
    const inner = direct[platform];
    const retryable = RETRYABLE[platform];
    if (inner && retryable) notifiers[platform] = new OutboxNotifier(inner, outbox, platform, retryable);
  }
  return {
    notifiers,
    drainOutbox: () => outbox.drain(direct, (platform) => RETRYABLE[platform as Platform] ?? (() => false)),
  };
}
