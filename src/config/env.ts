import { inspect } from "node:util";
import {
  canonicalTeamsAppType,
  ENV_VARIABLES,
  type EnvVariable,
  envSchema,
  type LogLevel,
  type ParsedEnv,
  SECRET_VARIABLES,
  type TeamsAppType,
} from "./env-schema.js";
import { isLoopbackHost } from "./loopback.js";
import { quoteValue } from "./problem-text.js";
import { redactUrls } from "./redact-url.js";
import { ConfigError } from "./startup-error.js";

export { LOG_LEVELS, type LogLevel, TEAMS_APP_TYPES, type TeamsAppType } from "./env-schema.js";

export const CLI_COMMANDS = ["serve", "worker", "console", "sandbox", "demo"] as const;
export type CliCommand = (typeof CLI_COMMANDS)[number];

export type Env = Readonly<Record<string, string | undefined>>;

export interface AzureCredentials {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface Config {
  readonly command: CliCommand;
  readonly redis: {
    readonly url: string;
    /** How long start-up waits for Redis to answer (MFA_BOT_REDIS_WAIT_SECONDS). */
    readonly waitSeconds: number;
  };
  readonly queue: {
    /** BullMQ/Redis key prefix (MFA_BOT_QUEUE_PREFIX). */
    readonly prefix: string;
    readonly workerConcurrency: number;
  };
  readonly graph: {
    /** No trailing slash. */
    readonly baseUrl: string;
    /** No trailing slash. */
    readonly authorityHost: string;
    /**
     * An overall cap on Graph requests per second across all workers, on top of the
     * per-route-class budget; undefined: no cap beyond Graph's documented limits.
     */
    readonly requestsPerSecond: number | undefined;
    /** Graph's documented limits shrunk by this factor (a sandbox's `--limit-scale`); 1 for Graph. */
    readonly limitScale: number;
    /** Graph's read limit for the tenant's size: 3,500, 5,000 or 8,000 resource units per 10 s. */
    readonly readUnitsPer10s: number;
    /** Minutes a "not a premium tenant" answer keeps the bot off the registration report. */
    readonly reportRetryMinutes: number;
    /** Present when all three AZURE_* variables are set; always present for "worker". */
    readonly credentials: AzureCredentials | undefined;
    /**
     * GRAPH_BASE_URL and/or AZURE_AUTHORITY_HOST when they are plain http:// to another machine
     * and ALLOW_INSECURE_GRAPH=1 lets the worker start anyway: it warns about each at start.
     */
    readonly insecure: readonly ("GRAPH_BASE_URL" | "AZURE_AUTHORITY_HOST")[];
  };
  readonly slack: {
    /** This process talks to Slack: "serve" receives from it, "worker" posts to it. */
    readonly enabled: boolean;
    /** Events arrive over Socket Mode (SLACK_APP_TOKEN) instead of POST /slack/events. */
    readonly socketMode: boolean;
    readonly signingSecret: string | undefined;
    readonly botToken: string | undefined;
    readonly appToken: string | undefined;
    /** Ends with "/". */
    readonly apiUrl: string;
  };
  readonly teams: {
    /** This process talks to Teams: MicrosoftAppId is present (even empty) for "serve" or "worker". */
    readonly enabled: boolean;
    /** MicrosoftAppId is empty: the local Bot Framework Emulator, with no authentication. */
    readonly emulatorMode: boolean;
    readonly appId: string;
    readonly appPassword: string | undefined;
    readonly appTenantId: string | undefined;
    readonly appType: TeamsAppType;
  };
  readonly http: {
    readonly port: number;
    /** HOST: the interface `serve` listens on (every IPv4 interface by default). */
    readonly host: string;
  };
  readonly signIn: {
    /**
     * MFA_BOT_PUBLIC_URL, without a trailing slash: where browsers reach `serve`. Undefined: chat
     * accounts cannot be linked by signing in (`link` says so).
     */
    readonly publicUrl: string | undefined;
    /** publicUrl + /auth/callback: the Web redirect URI to register on the app. */
    readonly redirectUri: string | undefined;
  };
  readonly policy: {
    readonly path: string;
    /** The command cannot start without a valid policy file (loadPolicy(path)). */
    readonly required: boolean;
  };
  readonly log: { readonly level: LogLevel };
}

export type WorkerConfig = Config & {
  readonly graph: Config["graph"] & { readonly credentials: AzureCredentials };
};

const AZURE_CREDENTIAL_VARIABLES = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"] as const;
const COMMANDS_NEEDING_POLICY: readonly CliCommand[] = ["serve", "worker", "console"];
/** Processes that receive from or post to the chat platforms. */
const COMMANDS_USING_CHAT: readonly CliCommand[] = ["serve", "worker"];

interface Problem {
  variable: EnvVariable;
  text: string;
}

/**
 * Reads and checks the environment for one command. Every variable that is set is
 * checked; only what the command needs is required. All problems are reported at once,
 * in one line, naming each variable and never showing a secret's value.
 */
export function loadConfig(command: "worker", env?: Env): WorkerConfig;
export function loadConfig(command: CliCommand, env?: Env): Config;
export function loadConfig(command: CliCommand, env: Env = process.env): Config {
  if (!CLI_COMMANDS.includes(command))
    throw new TypeError(`loadConfig: unknown command ${quoteValue(command)}`);
  const values = setValues(env);
  const teamsAppIdPresent = env.MicrosoftAppId !== undefined;
  const problems: Problem[] = [];

  const parsed = envSchema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = issue.path[0] as EnvVariable;
      const shown = SECRET_VARIABLES.has(variable) ? "" : ` (got ${quoteValue(values[variable])})`;
      problems.push({ variable, text: `${variable} ${issue.message}${shown}` });
    }
  }
  problems.push(...requirementProblems(command, values));

  if (problems.length > 0 || !parsed.success) {
    const order = (p: Problem) => ENV_VARIABLES.indexOf(p.variable);
    throw new ConfigError([...problems].sort((a, b) => order(a) - order(b)).map((p) => p.text));
  }
  return freezeConfig(buildConfig(command, parsed.data, teamsAppIdPresent));
}

/** Known variables with surrounding whitespace removed; empty ones count as unset. */
function setValues(env: Env): Partial<Record<EnvVariable, string>> {
  const values: Partial<Record<EnvVariable, string>> = {};
  for (const name of ENV_VARIABLES) {
    const value = env[name]?.trim();
    if (value) values[name] = value;
  }
  return values;
}

function requirementProblems(command: CliCommand, v: Partial<Record<EnvVariable, string>>): Problem[] {
  const problems: Problem[] = [];
  const missing = (variable: EnvVariable, why: string, named: string = variable) =>
    problems.push({ variable, text: `${named} is missing (${why})` });

  if (command === "worker") {
    for (const variable of AZURE_CREDENTIAL_VARIABLES) {
      if (!v[variable]) missing(variable, `needed by "worker"`);
    }
    if (v.ALLOW_INSECURE_GRAPH !== "1") {
      for (const variable of insecureGraphVariables(v)) {
        problems.push({
          variable,
          text: `${variable} is plain http:// to another machine (${quoteValue(v[variable])}): the client secret and tokens would cross the network unencrypted — use https://, or set ALLOW_INSECURE_GRAPH=1 to allow it`,
        });
      }
    }
  }

  if (command === "serve") {
    if (v.SLACK_BOT_TOKEN && !v.SLACK_SIGNING_SECRET && !v.SLACK_APP_TOKEN) {
      missing(
        "SLACK_SIGNING_SECRET",
        `needed with SLACK_BOT_TOKEN by "serve": the signing secret for HTTP, the app token for Socket Mode`,
        "SLACK_SIGNING_SECRET or SLACK_APP_TOKEN",
      );
    }
    const needBotToken = (["SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"] as const).filter((name) => v[name]);
    if (!v.SLACK_BOT_TOKEN && needBotToken.length > 0) {
      missing("SLACK_BOT_TOKEN", `needed with ${needBotToken.join(" and ")} by "serve"`);
    }
  }

  if (COMMANDS_USING_CHAT.includes(command)) problems.push(...teamsProblems(v));
  problems.push(...signInProblems(command, v));
  return problems;
}

/** The path of the sign-in callback under MFA_BOT_PUBLIC_URL (src/signin/routes.ts serves it). */
export const SIGN_IN_CALLBACK_PATH = "/auth/callback";

/**
 * MFA_BOT_PUBLIC_URL is the base of a redirect URI, and Entra takes only https:// ones, except
 * http://localhost (https://learn.microsoft.com/entra/identity-platform/reply-url — "Redirect URIs
 * must begin with the scheme https", and the localhost exceptions). `serve` redeems sign-in codes
 * with the app's credentials, so it needs them too.
 */
function signInProblems(command: CliCommand, v: Partial<Record<EnvVariable, string>>): Problem[] {
  const publicUrl = v.MFA_BOT_PUBLIC_URL;
  if (!publicUrl) return [];
  const problems: Problem[] = [];
  let url: URL | undefined;
  try {
    url = new URL(publicUrl);
  } catch {
    // envSchema reports a value that is no URL at all.
  }
  if (url && (url.search || url.hash || url.username || url.password)) {
    problems.push({
      variable: "MFA_BOT_PUBLIC_URL",
      text: `MFA_BOT_PUBLIC_URL must be a base URL without a query, fragment or credentials (got ${quoteValue(redactUrls(publicUrl))})`,
    });
  } else if (url && url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    problems.push({
      variable: "MFA_BOT_PUBLIC_URL",
      text: `MFA_BOT_PUBLIC_URL must be https:// (got ${quoteValue(publicUrl)}): Entra accepts plain http:// redirect URIs only for localhost`,
    });
  }
  if (command === "serve") {
    for (const variable of AZURE_CREDENTIAL_VARIABLES) {
      if (!v[variable])
        problems.push({
          variable,
          text: `${variable} is missing (needed with MFA_BOT_PUBLIC_URL by "serve": it redeems sign-in codes as the app)`,
        });
    }
    if (v.ALLOW_INSECURE_GRAPH !== "1" && insecureGraphVariables(v).includes("AZURE_AUTHORITY_HOST")) {
      problems.push({
        variable: "AZURE_AUTHORITY_HOST",
        text: `AZURE_AUTHORITY_HOST is plain http:// to another machine (${quoteValue(v.AZURE_AUTHORITY_HOST)}): the client secret and sign-in codes would cross the network unencrypted — use https://, or set ALLOW_INSECURE_GRAPH=1 to allow it`,
      });
    }
  }
  return problems;
}

/** The combinations botbuilder accepts (ConfigurationServiceClientCredentialFactory), checked up front. */
function teamsProblems(v: Partial<Record<EnvVariable, string>>): Problem[] {
  const problems: Problem[] = [];
  const appType = canonicalTeamsAppType(v.MicrosoftAppType ?? "MultiTenant");

  if (!v.MicrosoftAppId) {
    // An empty id silently means "no authentication" (emulator mode): refuse it when
    // the other settings show that a real bot registration was intended.
    const intent: string[] = (["MicrosoftAppPassword", "MicrosoftAppTenantId"] as const).filter(
      (name) => v[name],
    );
    if (appType && appType !== "MultiTenant") intent.push(`MicrosoftAppType ${appType}`);
    if (intent.length > 0) {
      problems.push({
        variable: "MicrosoftAppId",
        text: `MicrosoftAppId is missing (needed with ${intent.join(" and ")}; an empty MicrosoftAppId means emulator mode without authentication)`,
      });
    }
    return problems;
  }

  if (appType === "UserAssignedMSI") {
    if (v.MicrosoftAppPassword) {
      problems.push({
        variable: "MicrosoftAppPassword",
        text: "MicrosoftAppPassword must not be set when MicrosoftAppType is UserAssignedMSI (the managed identity signs in)",
      });
    }
  } else if (!v.MicrosoftAppPassword) {
    problems.push({
      variable: "MicrosoftAppPassword",
      text: "MicrosoftAppPassword is missing (needed with MicrosoftAppId unless MicrosoftAppType is UserAssignedMSI)",
    });
  }
  if ((appType === "SingleTenant" || appType === "UserAssignedMSI") && !v.MicrosoftAppTenantId) {
    problems.push({
      variable: "MicrosoftAppTenantId",
      text: `MicrosoftAppTenantId is missing (needed by MicrosoftAppType ${appType})`,
    });
  }
  return problems;
}

/**
 * Graph and token-endpoint URLs that would carry the client secret and tokens in the clear: plain
 * http:// to a host that is not this machine. The sandbox on loopback is fine.
 */
function insecureGraphVariables(
  v: Partial<Record<"GRAPH_BASE_URL" | "AZURE_AUTHORITY_HOST", string>>,
): ("GRAPH_BASE_URL" | "AZURE_AUTHORITY_HOST")[] {
  return (["GRAPH_BASE_URL", "AZURE_AUTHORITY_HOST"] as const).filter((name) => {
    const value = v[name];
    if (!value) return false;
    try {
      const url = new URL(value);
      return url.protocol === "http:" && !isLoopbackHost(url.hostname);
    } catch {
      return false;
    }
  });
}

function buildConfig(command: CliCommand, e: ParsedEnv, teamsAppIdPresent: boolean): Config {
  const usesChat = COMMANDS_USING_CHAT.includes(command);
  const slackEnabled = usesChat && e.SLACK_BOT_TOKEN !== undefined;
  const teamsEnabled = usesChat && teamsAppIdPresent;
  const credentials =
    e.AZURE_TENANT_ID && e.AZURE_CLIENT_ID && e.AZURE_CLIENT_SECRET
      ? { tenantId: e.AZURE_TENANT_ID, clientId: e.AZURE_CLIENT_ID, clientSecret: e.AZURE_CLIENT_SECRET }
      : undefined;
  return {
    command,
    redis: { url: e.REDIS_URL, waitSeconds: e.MFA_BOT_REDIS_WAIT_SECONDS },
    queue: { prefix: e.MFA_BOT_QUEUE_PREFIX, workerConcurrency: e.MFA_BOT_WORKER_CONCURRENCY },
    graph: {
      baseUrl: e.GRAPH_BASE_URL,
      authorityHost: e.AZURE_AUTHORITY_HOST,
      requestsPerSecond: e.MFA_BOT_GRAPH_RPS,
      limitScale: e.MFA_BOT_GRAPH_LIMIT_SCALE,
      readUnitsPer10s: e.MFA_BOT_GRAPH_READ_UNITS,
      reportRetryMinutes: e.MFA_BOT_REPORT_RETRY_MINUTES,
      credentials,
      insecure: insecureGraphVariables(e),
    },
    slack: {
      enabled: slackEnabled,
      socketMode: slackEnabled && e.SLACK_APP_TOKEN !== undefined,
      signingSecret: e.SLACK_SIGNING_SECRET,
      botToken: e.SLACK_BOT_TOKEN,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    teams: {
      enabled: teamsEnabled,
      emulatorMode: teamsEnabled && !e.MicrosoftAppId,
      appId: e.MicrosoftAppId ?? "",
      appPassword: e.MicrosoftAppPassword,
      appTenantId: e.MicrosoftAppTenantId,
      appType: e.MicrosoftAppType,
    },
    http: { port: e.PORT, host: e.HOST },
    signIn: {
      publicUrl: e.MFA_BOT_PUBLIC_URL,
      redirectUri: e.MFA_BOT_PUBLIC_URL && `${e.MFA_BOT_PUBLIC_URL}${SIGN_IN_CALLBACK_PATH}`,
    },
    policy: { path: e.MFA_BOT_POLICY, required: COMMANDS_NEEDING_POLICY.includes(command) },
    log: { level: e.LOG_LEVEL },
  };
}

const REDACTED = "[redacted]";
const redact = (value: string | undefined) => (value === undefined ? undefined : REDACTED);

/** The config with every secret replaced, for logging it at start-up. */
export function redactedConfig(config: Config): Config {
  const { credentials } = config.graph;
  return {
    ...config,
    redis: { ...config.redis, url: redactUrls(config.redis.url) },
    graph: { ...config.graph, credentials: credentials && { ...credentials, clientSecret: REDACTED } },
    slack: {
      ...config.slack,
      signingSecret: redact(config.slack.signingSecret),
      botToken: redact(config.slack.botToken),
      appToken: redact(config.slack.appToken),
    },
    teams: { ...config.teams, appPassword: redact(config.teams.appPassword) },
  };
}

/**
 * Frozen so no part of the program can change it under another; and JSON.stringify,
 * pino and console.log see the redacted form, so logging the config leaks nothing.
 */
function freezeConfig(config: Config): Config {
  for (const part of Object.values(config)) {
    if (part && typeof part === "object") {
      Object.freeze((part as { credentials?: object }).credentials);
      Object.freeze(part);
    }
  }
  Object.defineProperty(config, "toJSON", { value: () => redactedConfig(config) });
  Object.defineProperty(config, inspect.custom, {
    value: (_depth: number, options: object) => inspect(redactedConfig(config), options),
  });
  return Object.freeze(config);
}
