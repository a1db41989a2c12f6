import { type Logger, silentLogger } from "../../log.js";
import type { Directory } from "../port.js";
import { createConditionalAccessReader } from "./conditional-access.js";
import { groupMembers, memberOf } from "./groups.js";
import { createGraphHttp } from "./http.js";
import { deleteMethod, listMethods, requireReregistration } from "./methods.js";
import { getMfaState, getMfaStates, setMfaState, setMfaStates } from "./mfa-state.js";
import { createRegistrationReader } from "./registration.js";
import { GRAPH_REQUEST_TIMEOUT_MS, withRequestTimeout } from "./request-timeout.js";
import { realTiming, type Timing } from "./retry.js";
import { createLocalBudget, type GraphBudget } from "./throttle.js";
import { type CertificateCredential, createTokenClient } from "./token.js";
import { getUser, listUsers } from "./users.js";

export { DirectoryError, isDirectoryError } from "../errors.js";
export type { GraphBudget } from "./throttle.js";
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
   * The shared request budget and throttle gate. Every call through this Directory
   * shares one by default (build one Directory per process); pass a shared one
   * (e.g. Redis-backed) to share it across processes.
   */
  budget?: GraphBudget;
  /** Called on every 429 Graph sends the shared budget, with how long to hold off. */
  onThrottle?: (retryAfterMs: number) => void;
  /** Retries of one request after 429, 502/503/504 or a network error. Default 6. */
  maxRetries?: number;
  /**
   * Rate of the default budget, a ceiling: never more in any one second, and paced
   * {@link BUDGET_HEADROOM} under it so that jitter on the way never pushes Graph's count
   * over. Default 20 (Graph's identity write limit per app and tenant).
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
  const budget =
    options.budget ??
    createLocalBudget({
      ...(options.requestsPerSecond === undefined ? {} : { requestsPerSecond: options.requestsPerSecond }),
      headroom: BUDGET_HEADROOM,
      slidingWindow: true,
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
    listMethods: (userId) => listMethods(http, userId),
    deleteMethod: (userId, method) => deleteMethod(http, userId, method),
    requireReregistration: (userId) => requireReregistration(http, userId),
    groupMembers: (groupId) => groupMembers(http, groupId),
    memberOf: (userId) => memberOf(http, userId),
    caPolicies: () => conditionalAccess.caPolicies(),
    securityDefaultsEnabled: () => conditionalAccess.securityDefaultsEnabled(),
    mfaCoverage: (userId) => conditionalAccess.mfaCoverage(userId),
    forgetPolicies: () => conditionalAccess.forgetPolicies(),
  };
}
