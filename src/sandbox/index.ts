import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import { type Logger, silentLogger } from "../log.js";
import { defaultSeed } from "./default-seed.js";
import { DocumentedLimits } from "./documented-limits.js";
import { SandboxOutage } from "./outage.js";
import { TenantPersister } from "./persist.js";
import { createPrng } from "./prng.js";
import { RateLimiter } from "./rate-limit.js";
import { loadSeedFile, parseSeed, type SandboxSeed, type SandboxSeedInput } from "./seed-schema.js";
import { createSandboxServer, type ServerParts } from "./server.js";
import { SandboxSignIn } from "./sign-in.js";
import { SandboxStats } from "./stats.js";
import { DEFAULT_METHOD_REFUSALS, type DefaultMethodRefusal, SandboxTenant } from "./tenant.js";
import { TokenIssuer } from "./token.js";

/**
 * The sandbox tenant: a local stand-in for Microsoft Graph and the token endpoint,
 * so the demo, end-to-end tests and benchmarks run the real Graph client offline.
 * Point the client at it with GRAPH_BASE_URL and AZURE_AUTHORITY_HOST set to `url`.
 */

export {
  BENCH_DOMAIN,
  BENCH_GROUP_ID,
  defaultSeed,
  generateSeed,
  guidFrom,
  MEMBERS_CA_POLICY_ID,
  REPORT_ONLY_CA_POLICY_ID,
  SANDBOX_ACCOUNTS,
  SANDBOX_DIRECTORY_ROLES,
  SANDBOX_DOMAIN,
  SANDBOX_GROUPS,
  SANDBOX_SAMPLE_USERS,
} from "./default-seed.js";
export {
  classify,
  DocumentedLimits,
  documentedLimits,
  LIMIT_CLASSES,
  type Limit,
  type LimitClass,
  scaleLimit,
  tenantSizeOf,
} from "./documented-limits.js";
export { SECURITY_DEFAULTS_POLICY_ID } from "./routes/policies.js";
export {
  BOT_PERMISSIONS,
  loadSeedFile,
  PASSWORD_METHOD_ID,
  PHONE_METHOD_IDS,
  parseSeed,
  type SandboxSeed,
  type SandboxSeedInput,
  SeedError,
  type SeedMethod,
  type SeedUser,
} from "./seed-schema.js";
export { ID_TOKEN_FAULTS, type IdTokenFault, sandboxTenantId } from "./sign-in.js";
export type { SandboxStats, SandboxStatsSnapshot } from "./stats.js";
export { type DefaultMethodRefusal, SandboxTenant, type TenantUser } from "./tenant.js";

const optionsSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).default(0),
  seed: z.union([z.string().min(1), z.looseObject({})]).optional(),
  latencyMs: z.number().min(0).default(0),
  rateLimit: z.number().positive().optional(),
  limits: z.enum(["none", "documented"]).default("none"),
  limitScale: z.number().positive().max(1).default(1),
  methodsReads: z.enum(["identity", "reports"]).default("identity"),
  faultRate: z.number().min(0).max(1).default(0),
  writeFailureRate: z.number().min(0).max(1).default(0),
  batchStatusWhenThrottled: z.union([z.literal(200), z.literal(424)]).default(200),
  defaultMethodRefusal: z.enum(DEFAULT_METHOD_REFUSALS).default("otherMethodsConfigured"),
  reportLatencyMs: z.number().min(0).default(0),
  persist: z.union([z.string().min(1), z.boolean()]).optional(),
  persistDebounceMs: z.number().int().min(0).default(50),
  pageSize: z.number().int().min(1).max(999).default(100),
  randomSeed: z.number().int().default(1),
  tokenLifetimeSeconds: z.number().int().positive().default(3599),
  now: z.custom<() => number>((v) => typeof v === "function").optional(),
  sleep: z.custom<(ms: number) => Promise<void>>((v) => typeof v === "function").optional(),
  logger: z.custom<Logger>((v) => typeof v === "object" && v !== null).optional(),
});

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** A seed object, or the path of a JSON seed file; the shipped default seed when absent. */
  seed?: SandboxSeedInput | SandboxSeed | string;
  /** Added to every HTTP request. */
  latencyMs?: number;
  /** Graph operations per second across the server (each `$batch` item counts); over it → 429. */
  rateLimit?: number;
  /**
   * `"documented"`: throttle each route class with Microsoft's published limits
   * (documented-limits.ts: writes, identity reads in resource units, reports, Conditional
   * Access). Applies besides `rateLimit`. Default `"none"`.
   */
  limits?: "none" | "documented";
  /** 0 < x ≤ 1: documented limits with counts and windows shrunk together. Default 1. */
  limitScale?: number;
  /**
   * Whether per-user methods reads count against the reports limit (`"reports"`, one
   * reading of the page) or as identity reads (`"identity"`, default).
   */
  methodsReads?: "identity" | "reports";
  /** 0..1: probability that a Graph operation answers 503 with `Retry-After: 1`. */
  faultRate?: number;
  /** 0..1: probability that a write (PATCH) answers 400 `Request_BadRequest`, a failure the client does not retry. */
  writeFailureRate?: number;
  /**
   * The `$batch` envelope's status when one of its items is throttled: 200 (today's JSON
   * batching page) or 424 as a whole, every item's answer still in the body (the older
   * throttling guidance). Default 200.
   */
  batchStatusWhenThrottled?: 200 | 424;
  /** How deleting a user's default method is refused (the wordings Graph uses); see DefaultMethodRefusal. */
  defaultMethodRefusal?: DefaultMethodRefusal;
  /** How long the registration report lags behind changes ("up to a few hours"); default 0. */
  reportLatencyMs?: number;
  /**
   * Write the tenant back to this JSON file after each change; `true` writes to the
   * seed file. With a path and no seed, an existing file at that path is the seed.
   */
  persist?: string | boolean;
  persistDebounceMs?: number;
  /** Page size of list endpoints when the client sends no `$top` (default 100). */
  pageSize?: number;
  /** Seeds the generators behind `faultRate` and the order of `$batch` responses. */
  randomSeed?: number;
  tokenLifetimeSeconds?: number;
  /** Clock for the rate limit, token expiry and timestamps (tests step it). */
  now?: () => number;
  /** How latency is waited (tests record it instead). */
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

export interface SandboxHandle {
  /** `http://127.0.0.1:<port>`: both GRAPH_BASE_URL and AZURE_AUTHORITY_HOST. */
  url: string;
  port: number;
  tenant: SandboxTenant;
  stats: SandboxStats;
  /** Writes pending changes to the persist file now (no-op without `persist`). */
  flush(): Promise<void>;
  /** Changes the share of writes that fail for good (see SandboxOptions.writeFailureRate). */
  setWriteFailureRate(rate: number): void;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const parsedOptions = optionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    const problems = parsedOptions.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`);
    throw new Error(`invalid sandbox options: ${problems.join("; ")}`);
  }
  const o = parsedOptions.data;
  const now = o.now ?? Date.now;
  const logger = o.logger ?? silentLogger;
  const { seed, persistPath } = await resolveSeed(o.seed as SandboxOptions["seed"], o.persist);

  const tenant = new SandboxTenant(seed, {
    now,
    defaultMethodRefusal: o.defaultMethodRefusal,
    reportLatencyMs: o.reportLatencyMs,
  });
  const stats = new SandboxStats();
  const persister =
    persistPath === undefined
      ? undefined
      : new TenantPersister(persistPath, () => tenant.toSeed(), o.persistDebounceMs);
  if (persister) {
    tenant.onChange(() => persister.schedule());
    // A new persist file starts as the seed, so there is something to inspect and edit.
    if (!existsSync(persister.path)) persister.schedule();
  }

  const signIn = new SandboxSignIn(tenant, now, () => parts.baseUrl);
  const parts: ServerParts = {
    tenant,
    stats,
    tokens: new TokenIssuer(o.tokenLifetimeSeconds, now, () => tenant.application, signIn),
    signIn,
    rateLimiter: o.rateLimit === undefined ? undefined : new RateLimiter(o.rateLimit, now),
    documentedLimits:
      o.limits === "documented"
        ? new DocumentedLimits({
            users: seed.users.length,
            scale: o.limitScale,
            methodsReads: o.methodsReads,
            now,
          })
        : undefined,
    faultRate: o.faultRate,
    faultRandom: createPrng(o.randomSeed),
    writeFailureRate: o.writeFailureRate,
    batchRandom: createPrng(o.randomSeed + 0x9e3779b9),
    batchStatusWhenThrottled: o.batchStatusWhenThrottled,
    latencyMs: o.latencyMs,
    sleep: o.sleep ?? ((ms) => delay(ms)),
    pageSize: o.pageSize,
    logger,
    baseUrl: "",
    outage: new SandboxOutage(),
  };
  const server = createSandboxServer(parts);
  parts.outage.server = server;
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(o.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolveListen();
    });
  });
  const port = (server.address() as AddressInfo).port;
  parts.outage.address = { port, host: "127.0.0.1" };
  const url = `http://127.0.0.1:${port}`;
  parts.baseUrl = url;
  logger.info({ url, users: seed.users.length, persist: persistPath }, "sandbox tenant listening");

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    tenant,
    stats,
    setWriteFailureRate: (rate) => {
      parts.writeFailureRate = z.number().min(0).max(1).parse(rate);
    },
    flush: async () => {
      await persister?.flush();
      if (persister?.lastError) throw persister.lastError;
    },
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolveClose) => {
          server.close(() => resolveClose());
          server.closeAllConnections();
        });
        await persister?.flush();
      })();
      return closing;
    },
  };
}

async function resolveSeed(
  seedOption: SandboxOptions["seed"],
  persist: string | boolean | undefined,
): Promise<{ seed: SandboxSeed; persistPath: string | undefined }> {
  const seedFile = typeof seedOption === "string" ? seedOption : undefined;
  if (persist === true && seedFile === undefined) {
    throw new Error(
      "persist: true writes back to the seed file, but the seed is not a file; give persist a path",
    );
  }
  const persistPath = persist === true ? seedFile : persist === false ? undefined : persist;
  let seed: SandboxSeed;
  if (seedFile !== undefined) seed = await loadSeedFile(seedFile);
  else if (seedOption !== undefined) seed = parseSeed(seedOption, "seed option");
  else if (persistPath !== undefined && existsSync(persistPath)) seed = await loadSeedFile(persistPath);
  else seed = defaultSeed();
  return { seed, persistPath };
}
