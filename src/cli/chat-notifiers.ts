import type { Redis } from "ioredis";
import type { Config } from "../config/env.js";
import { Outbox, OutboxNotifier, type RetryableCheck } from "../delivery/outbox.js";
import type { Logger } from "../log.js";
import type { Notifier, NotifierRegistry, Platform } from "../notify/port.js";

export interface ChatNotifiers {
  /** What the worker sends through: each chat platform behind the outbox. */
  notifiers: NotifierRegistry;
  /** Delivers what waits in the outbox (the worker calls it every second). */
  drainOutbox(): Promise<void>;
}

/** One configured platform: its notifier, made once the runtime's Redis exists, and its retry check. */
interface ChatPlatform {
  notifier(state: Redis, statePrefix: string): Notifier;
  retryable: RetryableCheck;
}

/**
 * The chat platforms this worker is configured for. Each platform's code (the Slack Web API,
 * botbuilder) is imported only when that platform is configured: a worker that answers only
 * the console never holds them in memory (README, "Memory").
 */
export async function loadChatPlatforms(
  config: Config,
  logger: Logger,
): Promise<Partial<Record<Platform, ChatPlatform>>> {
  const platforms: Partial<Record<Platform, ChatPlatform>> = {};
  const { botToken } = config.slack;
  if (config.slack.enabled && botToken) {
    const [{ SlackNotifier }, { isRetryableSlackFailure, OUTBOX_SLACK_RETRY }] = await Promise.all([
      import("../../adapters/slack/notifier.js"),
      import("../../adapters/slack/retryable.js"),
    ]);
    platforms.slack = {
      notifier: () =>
        new SlackNotifier({ botToken, apiUrl: config.slack.apiUrl, logger, retryConfig: OUTBOX_SLACK_RETRY }),
      retryable: isRetryableSlackFailure,
    };
  }
  if (config.teams.enabled) {
    const [{ createTeamsNotifier }, { isRetryableTeamsFailure }] = await Promise.all([
      import("../../adapters/teams/notifier.js"),
      import("../../adapters/teams/retryable.js"),
    ]);
    const { publicUrl } = config.signIn;
    platforms.teams = {
      notifier: (state, statePrefix) =>
        createTeamsNotifier(config.teams, {
          redis: state,
          keyPrefix: statePrefix,
          logger,
          ...(publicUrl ? { publicUrl } : {}),
        }),
      retryable: isRetryableTeamsFailure,
    };
  }
  return platforms;
}

/** The configured platforms' notifiers, behind the Redis outbox. */
export function chatNotifiers(
  platforms: Partial<Record<Platform, ChatPlatform>>,
  state: Redis,
  statePrefix: string,
  logger: Logger,
): ChatNotifiers {
  const direct: NotifierRegistry = {};
  const outbox = new Outbox({ redis: state, prefix: statePrefix, logger });
  const notifiers: NotifierRegistry = {};
  for (const platform of ["slack", "teams"] as const) {
    const chat = platforms[platform];
    if (!chat) continue;
    const inner = chat.notifier(state, statePrefix);
    direct[platform] = inner;
    notifiers[platform] = new OutboxNotifier(inner, outbox, platform, chat.retryable);
  }
  return {
    notifiers,
    // A platform not configured here has no notifier: the outbox gives its messages up.
    drainOutbox: () =>
      outbox.drain(direct, (platform) => platforms[platform as Platform]?.retryable ?? (() => false)),
  };
}
