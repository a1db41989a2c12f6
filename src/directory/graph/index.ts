import { type Logger, silentLogger } from "../../log.js";
import type { Directory } from "../port.js";
import { directoryAudits } from "./audit-logs.js";
import { createLocalClassBudget } from "./class-budget.js";
import { createConditionalAccessReader } from "./conditional-access.js";
import { groupMembers, memberOf } from "./groups.js";
import { createGraphHttp } from "./http.js";
import { deleteMethod, listMethods, requireReregistration } from "./methods.js";
import { getMfaState, getMfaStates, setMfaState, setMfaStates } from "./mfa-state.js";
import { createRegistrationReader } from "./registration.js";
import { GRAPH_REQUEST_TIMEOUT_MS, withRequestTimeout } from "./request-timeout.js";
import { realTiming, type Timing } from "./retry.js";
import type { GraphRouteClass } from "./route-class.js";
import { createLocalBudget, type GraphBudget } from "./throttle.js";
import { type CertificateCredential, createTokenClient } from "./token.js";
import { getUser, listUsers, userPages } from "./users.js";

export { DirectoryError, isDirectoryError } from "../errors.js";
export { createLocalClassBudget } from "./class-budget.js";
export { currentGraphLane, type GraphLane, inGraphLane } from "./lane.js";
export { GRAPH_ROUTE_CLASSES, type GraphRouteClass } from "./route-class.js";
export type { BudgetClaim, GraphBudget } from "./throttle.js";
export { createLocalBudget } from "./throttle.js";
export type { CertificateCredential } from "./token.js";

export interface GraphDirectoryOptions {
  /** `GRAPH_BASE_URL`: global Graph, a national cloud, or the sandbox tenant. */
  graphBaseUrl: string;
  /** `AZURE_AUTHORITY_HOST`. */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  certificate?: CertificateCredential;
  logger?: Logger;
  /**
   * The shared request budget and throttle gate. By default one budget per route class
   * with Graph's documented limits (class-budget.ts), for every call through this Directory
   * (build one Directory per process); pass a shared one (createRedisClassBudget) to share
   * it across processes.
   */
  budget?: GraphBudget;
  /** Called on every 429 Graph sends, with how long to hold off and the route class throttled. */
  onThrottle?: (retryAfterMs: number, routeClass?: GraphRouteClass) => void;
  /**
   * The default budget's limits shrunk by this factor, for a sandbox run with the same
   * `--limit-scale` (0 < x ≤ 1). Default 1: Graph's own numbers.
   */
  limitScale?: number;
  /** The default budget's read limit: the tenant's size column (3,500 / 5,000 / 8,000 RU per 10 s). */
  readUnitsPer10s?: number;
  /** Retries of one request after 429, 502/503/504 or a network error. Default 6. */
  maxRetries?: number;
  /**
   * An overall cap on top of the per-class budget (`MFA_BOT_GRAPH_RPS`): never more in any
   * one second, paced {@link BUDGET_HEADROOM} under it. Default: none, the classes decide.
   */
  requestsPerSecond?: number;
  /** First backoff step when Graph gives no Retry-After. Default 500 ms. */
  backoffBaseMs?: number;
  /** Longest single backoff. Default 30 s. */
  maxBackoffMs?: number;
  /** $batch requests in flight at once (the budget still paces them). Default 4. */
  batchConcurrency?: number;
  /**
   * Minutes a "not a premium tenant" answer keeps the bot off the registration report
   * (`MFA_BOT_REPORT_RETRY_MINUTES`). Default 15.
   */
  nonPremiumRetryMinutes?: number;
  fetch?: typeof fetch;
  /**
   * Longest wait for one Graph answer before it counts as a network failure (and is retried).
   * @defaultValue GRAPH_REQUEST_TIMEOUT_MS (30 s)
   */
  requestTimeoutMs?: number;
  /** Clock, sleep and jitter; tests inject a fake clock so nothing waits for real. */
  timing?: Partial<Timing>;
}

/** Share of `requestsPerSecond` the default budget leaves unused (see createLocalBudget). */
export const BUDGET_HEADROOM = 0.03;

export function createGraphDirectory(options: GraphDirectoryOptions): Directory {
  const timing: Timing = { ...realTiming, ...options.timing };
  const logger = (options.logger ?? silentLogger).child({ component: "graph" });
  const fetchImpl = withRequestTimeout(
    options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    options.requestTimeoutMs ?? GRAPH_REQUEST_TIMEOUT_MS,
  );
  const maxRetries = options.maxRetries ?? 6;
  const backoffBaseMs = options.backoffBaseMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const tokens = createTokenClient({
    authorityHost: options.authorityHost,
    tenantId: options.tenantId,
    clientId: options.clientId,
    ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
    ...(options.certificate === undefined ? {} : { certificate: options.certificate }),
    graphBaseUrl: options.graphBaseUrl,
    fetch: fetchImpl,
    timing,
    logger,
    maxRetries,
    backoffBaseMs,
    maxBackoffMs,
  });
  const overall =
    options.requestsPerSecond === undefined
      ? undefined
      : createLocalBudget({
          requestsPerSecond: options.requestsPerSecond,
          headroom: BUDGET_HEADROOM,
          slidingWindow: true,
          timing,
        });
  const budget =
    options.budget ??
    createLocalClassBudget({
      ...(options.limitScale === undefined ? {} : { limitScale: options.limitScale }),
      ...(options.readUnitsPer10s === undefined ? {} : { readUnitsPer10s: options.readUnitsPer10s }),
      ...(overall ? { overall } : {}),
      timing,
    });
  const http = createGraphHttp({
    graphBaseUrl: options.graphBaseUrl,
    tokens,
    budget,
    fetch: fetchImpl,
    timing,
    logger,
    maxRetries,
    backoffBaseMs,
    maxBackoffMs,
    batchConcurrency: options.batchConcurrency ?? 4,
    ...(options.onThrottle === undefined ? {} : { onThrottle: options.onThrottle }),
  });
  const registration = createRegistrationReader(
    http,
    options.nonPremiumRetryMinutes === undefined
      ? {}
      : { nonPremiumRetryMinutes: options.nonPremiumRetryMinutes },
  );
  const conditionalAccess = createConditionalAccessReader(http);

  return {
    getUser: (ref) => getUser(http, ref),
    listUsers: () => listUsers(http),
    getMfaState: (userId) => getMfaState(http, userId),
    setMfaState: (userId, state) => setMfaState(http, userId, state),
    getMfaStates: (userIds) => getMfaStates(http, userIds),
    setMfaStates: (changes) => setMfaStates(http, changes),
    getRegistration: (userId, readOptions) => registration.getRegistration(userId, readOptions),
    getRegistrations: (userIds, readOptions) => registration.getRegistrations(userIds, readOptions),
    registrationPages: () => registration.registrationPages(),
    userPages: () => userPages(http),
    listMethods: (userId) => listMethods(http, userId),
    deleteMethod: (userId, method) => deleteMethod(http, userId, method),
    requireReregistration: (userId) => requireReregistration(http, userId),
    groupMembers: (groupId) => groupMembers(http, groupId),
    memberOf: (userId) => memberOf(http, userId),
    caPolicies: () => conditionalAccess.caPolicies(),
    securityDefaultsEnabled: () => conditionalAccess.securityDefaultsEnabled(),
    mfaCoverage: (userId) => conditionalAccess.mfaCoverage(userId),
    forgetPolicies: () => conditionalAccess.forgetPolicies(),
    directoryAudits: (since) => directoryAudits(http, since),
  };
}
