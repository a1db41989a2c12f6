import { isIP } from "node:net";
import * as z from "zod";

/**
 * The environment variables other programs set to run the bot (.env.example documents each;
 * README, "Running it for real") plus the optional tuning variables, each with its format and default. Which of them a command
 * *needs* is decided in env.ts; here a variable is only checked when it is set.
 */

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const TEAMS_APP_TYPES = ["MultiTenant", "SingleTenant", "UserAssignedMSI"] as const;
export type TeamsAppType = (typeof TEAMS_APP_TYPES)[number];

/** Never echoed back in a message, not even in part. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  "AZURE_CLIENT_SECRET",
  "SLACK_SIGNING_SECRET",
  "SLACK_BOT_TOKEN",
  "SLACK_APP_TOKEN",
  "MicrosoftAppPassword",
]);

function parsesAsUrl(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const httpUrl = z.string().refine((v) => parsesAsUrl(v, ["http:", "https:"]), {
  error: "must be an http:// or https:// URL",
});

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Base URLs are joined with paths that start with "/", so a trailing slash would double it. */
const baseUrlWithoutSlash = httpUrl.transform((v) => v.replace(/\/+$/, ""));

function integerIn(min: number, max: number) {
  const error = `must be an integer ${min}-${max}`;
  return z
    .string()
    .regex(/^\d+$/, { error })
    .transform(Number)
    .pipe(z.number().int({ error }).min(min, { error }).max(max, { error }));
}

function slackToken(prefix: string) {
  return z.string().superRefine((value, ctx) => {
    if (value.startsWith(prefix)) return;
    // Only the token's kind is named, never its characters.
    const kind = value.startsWith("xapp-")
      ? " (it is an app-level token, which belongs in SLACK_APP_TOKEN)"
      : value.startsWith("xoxb-")
        ? " (it is a bot token, which belongs in SLACK_BOT_TOKEN)"
        : value.startsWith("xoxp-")
          ? " (it is a user token, not the bot's)"
          : "";
    ctx.addIssue({ code: "custom", message: `must start with "${prefix}"${kind}` });
  });
}

/** MicrosoftAppType as botbuilder reads it: case does not matter. */
export function canonicalTeamsAppType(value: string): TeamsAppType | undefined {
  return TEAMS_APP_TYPES.find((t) => t.toLowerCase() === value.toLowerCase());
}

/** Empty values never get here (env.ts treats them as unset), so any string is a value. */
const text = z.string();

export const envSchema = z.object({
  REDIS_URL: z
    .string()
    .refine((v) => parsesAsUrl(v, ["redis:", "rediss:"]), { error: "must be a redis:// or rediss:// URL" })
    .default("redis://127.0.0.1:6379"),
  GRAPH_BASE_URL: baseUrlWithoutSlash.default("https://graph.microsoft.com"),
  AZURE_AUTHORITY_HOST: baseUrlWithoutSlash.default("https://login.microsoftonline.com"),
  // The tenant goes into the token URL's path: a GUID or a domain, nothing that could change the path.
  AZURE_TENANT_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, { error: "must be a tenant id (GUID) or a domain name" })
    .optional(),
  AZURE_CLIENT_ID: text.optional(),
  AZURE_CLIENT_SECRET: text.optional(),
  // "1" lets the worker talk to Graph or the token endpoint over plain http:// on another machine.
  ALLOW_INSECURE_GRAPH: z.enum(["0", "1"], { error: 'must be "1" (allow) or "0"' }).default("0"),
  SLACK_SIGNING_SECRET: text.optional(),
  SLACK_BOT_TOKEN: slackToken("xoxb-").optional(),
  SLACK_APP_TOKEN: slackToken("xapp-").optional(),
  // The Web API client appends method names ("chat.postMessage"), so the base must end with "/".
  SLACK_API_URL: httpUrl.transform((v) => (v.endsWith("/") ? v : `${v}/`)).default("https://slack.com/api/"),
  MicrosoftAppId: text.optional(),
  MicrosoftAppPassword: text.optional(),
  MicrosoftAppTenantId: text.optional(),
  MicrosoftAppType: z
    .string()
    .transform((v, ctx) => {
      const type = canonicalTeamsAppType(v);
      if (type) return type;
      ctx.addIssue({ code: "custom", message: `must be ${TEAMS_APP_TYPES.join(", ")}` });
      return z.NEVER;
    })
    .default("MultiTenant"),
  PORT: integerIn(0, 65535).default(3000),
  // An interface address or host name to listen on; unset = every IPv4 interface (0.0.0.0).
  HOST: z
    .string()
    .refine((v) => isIP(v) !== 0 || HOST_NAME.test(v), {
      error: "must be an IP address (0.0.0.0, ::, 127.0.0.1, …) or a host name",
    })
    .default("0.0.0.0"),
  // Where people reach `serve` from their browser: the sign-in redirect is this + /auth/callback.
  MFA_BOT_PUBLIC_URL: baseUrlWithoutSlash.optional(),
  MFA_BOT_POLICY: text.default("./policy.json"),
  LOG_LEVEL: z
    .string()
    .transform((v, ctx) => {
      const level = LOG_LEVELS.find((l) => l === v.toLowerCase());
      if (level) return level;
      ctx.addIssue({ code: "custom", message: `must be one of ${LOG_LEVELS.join(", ")}` });
      return z.NEVER;
    })
    .default("info"),
  MFA_BOT_WORKER_CONCURRENCY: integerIn(1, 64).default(4),
  // An optional overall cap; the per-route-class budget follows Graph's documented limits.
  MFA_BOT_GRAPH_RPS: integerIn(1, 1000).optional(),
  // Graph's read limit for the tenant's size, in resource units per 10 s (< 50, 50-500, > 500 users).
  MFA_BOT_GRAPH_READ_UNITS: z
    .enum(["3500", "5000", "8000"], { error: "must be 3500, 5000 or 8000" })
    .transform(Number)
    .default(3500),
  // Graph's limits shrunk by this factor: for a sandbox run with the same --limit-scale.
  MFA_BOT_GRAPH_LIMIT_SCALE: z
    .string()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, { error: "must be a number above 0 and at most 1" })
    .transform(Number)
    .pipe(z.number().gt(0, { error: "must be a number above 0 and at most 1" }).max(1))
    .default(1),
  // Minutes a "not a premium tenant" answer keeps the bot off the registration report.
  MFA_BOT_REPORT_RETRY_MINUTES: integerIn(1, 1440).default(15),
  // Seconds serve, worker and console wait at start for a Redis that does not answer yet.
  MFA_BOT_REDIS_WAIT_SECONDS: integerIn(0, 600).default(10),
  // A "{name}" form is allowed too: on a Redis Cluster it is the hash tag that keeps a queue's keys in one slot.
  MFA_BOT_QUEUE_PREFIX: z
    .string()
    .regex(/^(?:[A-Za-z0-9_:-]+|\{[A-Za-z0-9_:-]+\})$/, {
      error:
        'must be letters, digits, "-", "_" or ":" (optionally wrapped in {} as a Redis Cluster hash tag)',
    })
    .default("mfa-bot"),
});

export type ParsedEnv = z.output<typeof envSchema>;
export type EnvVariable = keyof ParsedEnv;

/** In the order of .env.example, which is also the order problems are reported in. */
export const ENV_VARIABLES = Object.keys(envSchema.shape) as EnvVariable[];
