import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { type CliCommand, type Env, loadConfig } from "../../src/config/env.js";
import { ConfigError } from "../../src/config/startup-error.js";

const WORKER_ENV = {
  AZURE_TENANT_ID: "11111111-2222-3333-4444-555555555555",
  AZURE_CLIENT_ID: "app-client-id",
  AZURE_CLIENT_SECRET: "s3cret-client-value",
};
const SECRETS = {
  AZURE_CLIENT_SECRET: "s3cret-client-value",
  SLACK_SIGNING_SECRET: "s3cret-signing-value",
  SLACK_BOT_TOKEN: "xoxb-s3cret-bot-value",
  SLACK_APP_TOKEN: "xapp-s3cret-app-value",
  MicrosoftAppPassword: "s3cret-teams-value",
};

function configError(command: CliCommand, env: Env): ConfigError {
  try {
    loadConfig(command, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected loadConfig("${command}") to fail`);
}

describe("loadConfig defaults", () => {
  const config = loadConfig("sandbox", {});

  it("applies the documented default of every variable", () => {
    expect(config.redis.url).toBe("redis://127.0.0.1:6379");
    expect(config.graph.baseUrl).toBe("https://graph.microsoft.com");
    expect(config.graph.authorityHost).toBe("https://login.microsoftonline.com");
    expect(config.graph.credentials).toBeUndefined();
    expect(config.slack.apiUrl).toBe("https://slack.com/api/");
    expect(config.slack.signingSecret).toBeUndefined();
    expect(config.slack.botToken).toBeUndefined();
    expect(config.slack.appToken).toBeUndefined();
    expect(config.teams.appId).toBe("");
    expect(config.teams.appPassword).toBeUndefined();
    expect(config.teams.appTenantId).toBeUndefined();
    expect(config.teams.appType).toBe("MultiTenant");
    expect(config.http.port).toBe(3000);
    expect(config.policy.path).toBe("./policy.json");
    expect(config.log.level).toBe("info");
    expect(config.queue.workerConcurrency).toBe(4);
    expect(config.graph.requestsPerSecond).toBeUndefined();
    expect(config.graph.limitScale).toBe(1);
    expect(config.graph.readUnitsPer10s).toBe(3500);
    expect(config.queue.prefix).toBe("mfa-bot");
  });

  it("treats empty and blank values as unset", () => {
    const blank = loadConfig("sandbox", { REDIS_URL: "", PORT: "  ", LOG_LEVEL: "", SLACK_API_URL: "" });
    expect(blank.redis.url).toBe("redis://127.0.0.1:6379");
    expect(blank.http.port).toBe(3000);
    expect(blank.log.level).toBe("info");
    expect(blank.slack.apiUrl).toBe("https://slack.com/api/");
  });

  it("reads process.env when no env is passed", () => {
    const before = process.env.MFA_BOT_QUEUE_PREFIX;
    process.env.MFA_BOT_QUEUE_PREFIX = "from-process-env";
    try {
      expect(loadConfig("sandbox").queue.prefix).toBe("from-process-env");
    } finally {
      if (before === undefined) delete process.env.MFA_BOT_QUEUE_PREFIX;
      else process.env.MFA_BOT_QUEUE_PREFIX = before;
    }
  });
});

describe("loadConfig values", () => {
  it("normalises URLs: Graph and authority without trailing slash, Slack API with one", () => {
    const config = loadConfig("sandbox", {
      GRAPH_BASE_URL: "http://127.0.0.1:4010/",
      AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us//",
      SLACK_API_URL: "http://127.0.0.1:9999/api",
      REDIS_URL: "rediss://:pw@redis.example.net:6380/2",
    });
    expect(config.graph.baseUrl).toBe("http://127.0.0.1:4010");
    expect(config.graph.authorityHost).toBe("https://login.microsoftonline.us");
    expect(config.slack.apiUrl).toBe("http://127.0.0.1:9999/api/");
    expect(config.redis.url).toBe("rediss://:pw@redis.example.net:6380/2");
  });

  it("accepts every variable at its limits and trims surrounding whitespace", () => {
    const config = loadConfig("sandbox", {
      PORT: "65535",
      LOG_LEVEL: " DEBUG ",
      MicrosoftAppType: "singletenant",
      MFA_BOT_WORKER_CONCURRENCY: "64",
      MFA_BOT_GRAPH_RPS: "1000",
      MFA_BOT_GRAPH_LIMIT_SCALE: "0.1",
      MFA_BOT_GRAPH_READ_UNITS: "8000",
      MFA_BOT_QUEUE_PREFIX: "{mfa:bot_1}",
      MFA_BOT_POLICY: "/etc/mfa-bot/policy.json",
    });
    expect(config.http.port).toBe(65535);
    expect(config.log.level).toBe("debug");
    expect(config.teams.appType).toBe("SingleTenant");
    expect(config.queue.workerConcurrency).toBe(64);
    expect(config.graph.requestsPerSecond).toBe(1000);
    expect(config.graph.limitScale).toBe(0.1);
    expect(config.graph.readUnitsPer10s).toBe(8000);
    expect(config.queue.prefix).toBe("{mfa:bot_1}");
    expect(config.policy.path).toBe("/etc/mfa-bot/policy.json");
    expect(loadConfig("sandbox", { PORT: "0" }).http.port).toBe(0);
  });

  const PREFIX_RULE =
    'must be letters, digits, "-", "_" or ":" (optionally wrapped in {} as a Redis Cluster hash tag)';
  const BAD: [variable: string, value: string, says: string][] = [
    ["REDIS_URL", "http://127.0.0.1:6379", "must be a redis:// or rediss:// URL"],
    ["REDIS_URL", "not a url", "must be a redis:// or rediss:// URL"],
    ["GRAPH_BASE_URL", "graph.microsoft.com", "must be an http:// or https:// URL"],
    ["AZURE_AUTHORITY_HOST", "ftp://login.example", "must be an http:// or https:// URL"],
    ["AZURE_TENANT_ID", "contoso/../x", "must be a tenant id (GUID) or a domain name"],
    ["SLACK_API_URL", "slack.com/api", "must be an http:// or https:// URL"],
    ["MicrosoftAppType", "Multi", "must be MultiTenant, SingleTenant, UserAssignedMSI"],
    ["PORT", "abc", "must be an integer 0-65535"],
    ["PORT", "65536", "must be an integer 0-65535"],
    ["PORT", "80.5", "must be an integer 0-65535"],
    ["PORT", "-1", "must be an integer 0-65535"],
    ["LOG_LEVEL", "verbose", "must be one of fatal, error, warn, info, debug, trace, silent"],
    ["MFA_BOT_WORKER_CONCURRENCY", "0", "must be an integer 1-64"],
    ["MFA_BOT_WORKER_CONCURRENCY", "65", "must be an integer 1-64"],
    ["MFA_BOT_GRAPH_RPS", "0", "must be an integer 1-1000"],
    ["MFA_BOT_GRAPH_RPS", "1001", "must be an integer 1-1000"],
    ["MFA_BOT_GRAPH_LIMIT_SCALE", "0", "must be a number above 0 and at most 1"],
    ["MFA_BOT_GRAPH_LIMIT_SCALE", "1.5", "must be a number above 0 and at most 1"],
    ["MFA_BOT_GRAPH_READ_UNITS", "4000", "must be 3500, 5000 or 8000"],
    ["MFA_BOT_QUEUE_PREFIX", "mfa bot", PREFIX_RULE],
    ["MFA_BOT_QUEUE_PREFIX", "{mfa", PREFIX_RULE],
  ];
  it.each(BAD)("%s=%j is refused with the variable named and the value shown", (variable, value, says) => {
    const err = configError("sandbox", { [variable]: value });
    expect(err.message).toBe(`configuration: ${variable} ${says} (got ${JSON.stringify(value)})`);
    expect(err.problems).toHaveLength(1);
  });

  const BAD_SECRETS: [variable: string, value: string, says: string][] = [
    ["SLACK_BOT_TOKEN", "s3cret-not-a-token", 'SLACK_BOT_TOKEN must start with "xoxb-"'],
    [
      "SLACK_BOT_TOKEN",
      "xapp-s3cret-app-level",
      "it is an app-level token, which belongs in SLACK_APP_TOKEN",
    ],
    ["SLACK_BOT_TOKEN", "xoxp-s3cret-user", "it is a user token"],
    ["SLACK_APP_TOKEN", "xoxb-s3cret-bot", 'SLACK_APP_TOKEN must start with "xapp-" (it is a bot token'],
  ];
  it.each(BAD_SECRETS)("%s with a bad value is named without showing the value", (variable, value, says) => {
    const err = configError("sandbox", { [variable]: value });
    expect(err.message).toContain(says);
    expect(err.message).not.toContain("s3cret");
    expect(err.message).not.toContain("got");
  });

  it("masks credentials in a bad URL it shows back", () => {
    const err = configError("sandbox", { REDIS_URL: "http://user:hunter2@redis.internal:6379" });
    expect(err.message).toContain(
      'REDIS_URL must be a redis:// or rediss:// URL (got "http://***@redis.internal:6379")',
    );
    expect(err.message).not.toContain("hunter2");
  });

  it("keeps a value with a newline on one line", () => {
    const err = configError("sandbox", { LOG_LEVEL: "info\nPORT=1" });
    expect(err.message).not.toMatch(/\n/);
    expect(err.message).toContain('(got "info\\nPORT=1")');
  });

  it("reports every problem at once, in one line, in .env.example order", () => {
    const err = configError("worker", { LOG_LEVEL: "loud", PORT: "abc", AZURE_CLIENT_ID: "id" });
    expect(err.message).toBe(
      'configuration: AZURE_TENANT_ID is missing (needed by "worker"); ' +
        'AZURE_CLIENT_SECRET is missing (needed by "worker"); ' +
        'PORT must be an integer 0-65535 (got "abc"); ' +
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    );
    expect(err.problems).toHaveLength(4);
  });
});

describe("loadConfig per command", () => {
  it("worker needs the three AZURE_* variables and the policy", () => {
    const err = configError("worker", {});
    for (const variable of ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]) {
      expect(err.message).toContain(`${variable} is missing (needed by "worker")`);
    }
    const config = loadConfig("worker", WORKER_ENV);
    expect(config.graph.credentials).toEqual({
      tenantId: WORKER_ENV.AZURE_TENANT_ID,
      clientId: "app-client-id",
      clientSecret: "s3cret-client-value",
    });
    expect(config.policy.required).toBe(true);
  });

  it("worker posts to Slack with the bot token alone", () => {
    const config = loadConfig("worker", { ...WORKER_ENV, SLACK_BOT_TOKEN: "xoxb-1" });
    expect(config.slack.enabled).toBe(true);
    expect(config.slack.socketMode).toBe(false);
  });

  it("serve with no Slack or Teams settings runs health only", () => {
    const config = loadConfig("serve", {});
    expect(config.slack.enabled).toBe(false);
    expect(config.teams.enabled).toBe(false);
    expect(config.teams.emulatorMode).toBe(false);
    expect(config.policy.required).toBe(true);
  });

  it("serve over HTTP needs the signing secret and the bot token", () => {
    const config = loadConfig("serve", { SLACK_SIGNING_SECRET: "sig", SLACK_BOT_TOKEN: "xoxb-1" });
    expect(config.slack).toMatchObject({ enabled: true, socketMode: false, signingSecret: "sig" });
  });

  it("serve in Socket Mode needs the app token and the bot token", () => {
    const config = loadConfig("serve", { SLACK_APP_TOKEN: "xapp-1", SLACK_BOT_TOKEN: "xoxb-1" });
    expect(config.slack).toMatchObject({ enabled: true, socketMode: true, appToken: "xapp-1" });
  });

  it("serve refuses a bot token with neither a signing secret nor an app token", () => {
    const err = configError("serve", { SLACK_BOT_TOKEN: SECRETS.SLACK_BOT_TOKEN });
    expect(err.message).toBe(
      'configuration: SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is missing (needed with SLACK_BOT_TOKEN by "serve": the signing secret for HTTP, the app token for Socket Mode)',
    );
  });

  it("serve refuses a signing secret or app token without the bot token", () => {
    expect(configError("serve", { SLACK_SIGNING_SECRET: "sig" }).message).toBe(
      'configuration: SLACK_BOT_TOKEN is missing (needed with SLACK_SIGNING_SECRET by "serve")',
    );
    expect(configError("serve", { SLACK_SIGNING_SECRET: "sig", SLACK_APP_TOKEN: "xapp-1" }).message).toBe(
      'configuration: SLACK_BOT_TOKEN is missing (needed with SLACK_SIGNING_SECRET and SLACK_APP_TOKEN by "serve")',
    );
  });

  it("serve with an empty MicrosoftAppId is Teams in emulator mode", () => {
    const config = loadConfig("serve", { MicrosoftAppId: "" });
    expect(config.teams).toMatchObject({ enabled: true, emulatorMode: true, appId: "" });
  });

  it("serve with a Teams app id needs its password", () => {
    expect(configError("serve", { MicrosoftAppId: "bot-app-id" }).message).toBe(
      "configuration: MicrosoftAppPassword is missing (needed with MicrosoftAppId unless MicrosoftAppType is UserAssignedMSI)",
    );
    const config = loadConfig("serve", { MicrosoftAppId: "bot-app-id", MicrosoftAppPassword: "pw" });
    expect(config.teams).toMatchObject({ enabled: true, emulatorMode: false, appId: "bot-app-id" });
  });

  it("SingleTenant needs the app tenant; UserAssignedMSI needs the tenant and no password", () => {
    expect(
      configError("serve", {
        MicrosoftAppId: "a",
        MicrosoftAppPassword: "pw",
        MicrosoftAppType: "SingleTenant",
      }).message,
    ).toBe("configuration: MicrosoftAppTenantId is missing (needed by MicrosoftAppType SingleTenant)");
    const msi = { MicrosoftAppId: "a", MicrosoftAppType: "UserAssignedMSI" };
    expect(configError("serve", msi).message).toBe(
      "configuration: MicrosoftAppTenantId is missing (needed by MicrosoftAppType UserAssignedMSI)",
    );
    expect(
      configError("serve", { ...msi, MicrosoftAppTenantId: "t", MicrosoftAppPassword: "pw" }).message,
    ).toBe(
      "configuration: MicrosoftAppPassword must not be set when MicrosoftAppType is UserAssignedMSI (the managed identity signs in)",
    );
    expect(loadConfig("serve", { ...msi, MicrosoftAppTenantId: "t" }).teams.appType).toBe("UserAssignedMSI");
  });

  it("refuses Teams credentials without an app id rather than fall into unauthenticated emulator mode", () => {
    const err = configError("serve", {
      MicrosoftAppId: "",
      MicrosoftAppPassword: SECRETS.MicrosoftAppPassword,
    });
    expect(err.message).toBe(
      "configuration: MicrosoftAppId is missing (needed with MicrosoftAppPassword; an empty MicrosoftAppId means emulator mode without authentication)",
    );
    expect(configError("worker", { ...WORKER_ENV, MicrosoftAppType: "SingleTenant" }).message).toContain(
      "MicrosoftAppId is missing (needed with MicrosoftAppType SingleTenant;",
    );
  });

  it("console needs only Redis and the policy", () => {
    const config = loadConfig("console", { SLACK_BOT_TOKEN: "xoxb-1", MicrosoftAppId: "" });
    expect(config.policy.required).toBe(true);
    expect(config.slack.enabled).toBe(false);
    expect(config.teams.enabled).toBe(false);
  });

  it.each(["sandbox", "demo"] as const)("%s needs nothing, not even the policy", (command) => {
    const config = loadConfig(command, { SLACK_BOT_TOKEN: "xoxb-1", MicrosoftAppPassword: "pw" });
    expect(config.policy.required).toBe(false);
    expect(config.graph.credentials).toBeUndefined();
  });

  it("still checks the format of whatever is set, whatever the command", () => {
    expect(configError("demo", { PORT: "abc" }).message).toContain("PORT must be an integer 0-65535");
  });

  it("refuses an unknown command as a programming error", () => {
    expect(() => loadConfig("bogus" as CliCommand, {})).toThrow(TypeError);
  });
});

describe("MFA_BOT_PUBLIC_URL (linking chat accounts by signing in)", () => {
  it("is off unless set, and gives the redirect URI to register", () => {
    expect(loadConfig("worker", WORKER_ENV).signIn).toEqual({ publicUrl: undefined, redirectUri: undefined });
    const config = loadConfig("serve", { ...WORKER_ENV, MFA_BOT_PUBLIC_URL: "https://mfa-bot.contoso.com/" });
    expect(config.signIn).toEqual({
      publicUrl: "https://mfa-bot.contoso.com",
      redirectUri: "https://mfa-bot.contoso.com/auth/callback",
    });
    const proxied = loadConfig("worker", {
      ...WORKER_ENV,
      MFA_BOT_PUBLIC_URL: "https://contoso.com/mfa-bot",
    });
    expect(proxied.signIn.redirectUri).toBe("https://contoso.com/mfa-bot/auth/callback");
  });

  it("must be https://, or http:// on this machine, as Entra takes redirect URIs", () => {
    expect(
      configError("worker", { ...WORKER_ENV, MFA_BOT_PUBLIC_URL: "http://mfa-bot.contoso.com" }).message,
    ).toContain(
      'MFA_BOT_PUBLIC_URL must be https:// (got "http://mfa-bot.contoso.com"): Entra accepts plain http:// redirect URIs only for localhost',
    );
    for (const local of ["http://localhost:3000", "http://127.0.0.1:3000"]) {
      expect(loadConfig("worker", { ...WORKER_ENV, MFA_BOT_PUBLIC_URL: local }).signIn.publicUrl).toBe(local);
    }
    expect(
      configError("worker", { ...WORKER_ENV, MFA_BOT_PUBLIC_URL: "https://x.example/?a=1" }).message,
    ).toContain("MFA_BOT_PUBLIC_URL must be a base URL without a query, fragment or credentials");
    expect(
      configError("worker", { ...WORKER_ENV, MFA_BOT_PUBLIC_URL: "mfa-bot.contoso.com" }).message,
    ).toContain("MFA_BOT_PUBLIC_URL must be an http:// or https:// URL");
  });

  it("makes serve need the app's credentials, which redeem the sign-in codes", () => {
    const error = configError("serve", { MFA_BOT_PUBLIC_URL: "https://mfa-bot.contoso.com" });
    expect(error.message).toContain(
      'AZURE_TENANT_ID is missing (needed with MFA_BOT_PUBLIC_URL by "serve": it redeems sign-in codes as the app)',
    );
    expect(error.message).toContain("AZURE_CLIENT_ID is missing");
    expect(error.message).toContain("AZURE_CLIENT_SECRET is missing");
    expect(
      configError("serve", {
        ...WORKER_ENV,
        MFA_BOT_PUBLIC_URL: "https://mfa-bot.contoso.com",
        AZURE_AUTHORITY_HOST: "http://login.contoso.example",
      }).message,
    ).toContain("AZURE_AUTHORITY_HOST is plain http:// to another machine");
    // Without sign-in, serve needs none of them (as before).
    expect(loadConfig("serve", {}).signIn.publicUrl).toBeUndefined();
  });
});

describe("the loaded config", () => {
  const config = loadConfig("serve", {
    ...SECRETS,
    AZURE_TENANT_ID: "t",
    AZURE_CLIENT_ID: "c",
    MicrosoftAppId: "bot-app-id",
  });

  it("is frozen all the way down", () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.slack)).toBe(true);
    expect(Object.isFrozen(config.graph.credentials)).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it("shows no secret when serialised or inspected, though the values are there", () => {
    expect(config.slack.botToken).toBe(SECRETS.SLACK_BOT_TOKEN);
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 5 })]) {
      expect(shown).not.toContain("s3cret");
      expect(shown).toContain("[redacted]");
      expect(shown).toContain("bot-app-id");
    }
  });

  it("never shows a secret in an error message", () => {
    const err = configError("worker", { ...SECRETS, PORT: "x", SLACK_APP_TOKEN: "s3cret-no-prefix" });
    expect(err.message).not.toContain("s3cret");
  });
});
