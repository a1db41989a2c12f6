import type { ConfigurationBotFrameworkAuthenticationOptions } from "botbuilder";
import type { TeamsAppType } from "../../src/config/env-schema.js";

/** The Teams part of the configuration (.env.example: the MicrosoftApp* variables), as src/config gives it. */
export interface TeamsSettings {
  /** Empty: local Bot Framework Emulator mode, no authentication (development only). */
  appId: string;
  appPassword?: string | undefined;
  appTenantId?: string | undefined;
  appType: TeamsAppType;
}

/** The audience of tokens the bot asks for when it calls the Bot Connector. */
export const BOT_CONNECTOR_AUDIENCE = "https://api.botframework.com";

/** Where Teams sends the public cloud's traffic; a DM with no request context to copy from goes here. */
export const DEFAULT_TEAMS_SERVICE_URL = "https://smba.trafficmanager.net/teams/";

export function isEmulatorMode(settings: TeamsSettings): boolean {
  return settings.appId.trim() === "";
}

/**
 * botbuilder's configuration keys. In emulator mode nothing is passed, so its credential
 * factory reports authentication as disabled and accepts unsigned requests.
 */
export function botFrameworkAuthOptions(
  settings: TeamsSettings,
): ConfigurationBotFrameworkAuthenticationOptions {
  if (isEmulatorMode(settings)) return {};
  return {
    MicrosoftAppId: settings.appId,
    MicrosoftAppType: settings.appType,
    ...(settings.appPassword ? { MicrosoftAppPassword: settings.appPassword } : {}),
    ...(settings.appTenantId ? { MicrosoftAppTenantId: settings.appTenantId } : {}),
  };
}
