import { randomUUID } from "node:crypto";
import type { Logger } from "../../log.js";
import { DirectoryError } from "../errors.js";
import { type ErrorContext, errorFromResponse, isRetryableStatus } from "./errors.js";
import { currentGraphLane } from "./lane.js";
import { backoffDelay, parseRetryAfter, type Timing } from "./retry.js";
import { type ClassCosts, classCostOf, type GraphRouteClass } from "./route-class.js";
import type { GraphBudget } from "./throttle.js";
import type { TokenSource } from "./token.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

export interface GraphRequest extends Omit<ErrorContext, "retryAfterMs" | "requestId"> {
  method: HttpMethod;
  /** `/v1.0/…` or `/beta/…` under the Graph base URL, or an absolute `@odata.nextLink` under it. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Requests drawn from the budget, in the route's own class (default: its documented cost). */
  cost?: number;
  /** What a `$batch` draws, class by class (each item counts on its own route). */
  costs?: ClassCosts;
  /** Rather fail ("throttled") than wait longer than this for the budget (BudgetClaim.maxWaitMs). */
  maxBudgetWaitMs?: number;
  /**
   * Give up at the first 429 without pausing everyone: for calls with their own,
   * separate limit and a cheaper fallback (the registration report).
   */
  failFastOn429?: boolean;
  /**
   * An error status whose body this says is still an answer to read (a `$batch` envelope
   * that carries every item's own status): returned as it is instead of thrown or retried.
   */
  answerDespiteStatus?: (status: number, body: unknown) => boolean;
}

export interface GraphResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface GraphHttpOptions {
  graphBaseUrl: string;
  tokens: TokenSource;
  budget: GraphBudget;
  fetch: typeof fetch;
  timing: Timing;
  logger: Logger;
  maxRetries: number;
  backoffBaseMs: number;
  maxBackoffMs: number;
  /** $batch requests in flight at once. */
  batchConcurrency: number;
  /** Every 429, with the route class it came from (undefined: the whole app). */
  onThrottle?: (retryAfterMs: number, routeClass?: GraphRouteClass) => void;
}

export interface GraphHttp {
  request(request: GraphRequest): Promise<GraphResponse>;
  /**
   * Called for every 429, whole-request or $batch item: pauses that route class's shared
   * budget (every class without one) and tells the owner.
   */
  throttled(retryAfterMs: number, routeClass?: GraphRouteClass): void;
  readonly options: GraphHttpOptions;
}

/**
 * The one place requests reach Graph: budget first, a bearer token, a
 * `client-request-id` to correlate with Microsoft's logs, one log line per attempt,
 * and the retry rules — 429 waits Retry-After (everyone waits, through the shared
 * gate), 502/503/504 and network failures back off, all bounded.
 */
export function createGraphHttp(options: GraphHttpOptions): GraphHttp {
  const base = new URL(options.graphBaseUrl);
  const basePath = base.pathname.replace(/\/+$/, "");
  const { timing, logger } = options;

  function urlOf(path: string): URL {
    if (/^https?:\/\//i.test(path)) {
      const url = new URL(path);
      // A nextLink elsewhere would receive the bearer token: refuse it.
      if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`)) {
        throw new DirectoryError(
          "unexpected",
          `Graph returned a link outside ${base.origin}; not following it`,
        );
      }
      return url;
    }
    return new URL(`${base.origin}${basePath}${path}`);
  }

  function throttled(retryAfterMs: number, routeClass?: GraphRouteClass): void {
    options.budget.pause(retryAfterMs, routeClass);
    options.onThrottle?.(retryAfterMs, routeClass);
  }

  /** What one send draws: the $batch's per-class costs, or the route's own class. */
  function costsOf(request: GraphRequest): Array<[GraphRouteClass, number]> {
    if (request.costs) return Object.entries(request.costs) as Array<[GraphRouteClass, number]>;
    const own = classCostOf(request.method, request.path);
    return [[own.routeClass, request.cost ?? own.cost]];
  }

  function backoff(attempt: number): number {
    return backoffDelay(attempt, options.backoffBaseMs, options.maxBackoffMs, timing.random);
  }

  let tokenWarm = false;

  async function request(request: GraphRequest): Promise<GraphResponse> {
    const url = urlOf(request.path);
    let reauthenticated = false;
    const costs = costsOf(request);
    const lane = currentGraphLane();
    for (let attempt = 0; ; attempt++) {
      // The first token before the first send: a request the budget timed must leave when
      // timed, not after a token round trip, or it lands in Graph's window with the next one.
      if (!tokenWarm) {
        await options.tokens.getToken();
        tokenWarm = true;
      }
      for (const [routeClass, cost] of costs) {
        await options.budget.acquire(cost, {
          routeClass,
          lane,
          ...(request.maxBudgetWaitMs === undefined ? {} : { maxWaitMs: request.maxBudgetWaitMs }),
        });
      }
      const token = await options.tokens.getToken();
      const clientRequestId = randomUUID();
      const headers: Record<string, string> = {
        accept: "application/json",
        ...request.headers,
        authorization: `Bearer ${token}`,
        "client-request-id": clientRequestId,
      };
      if (request.body !== undefined) headers["content-type"] = "application/json";
      const line = { method: request.method, path: url.pathname, clientRequestId, attempt };
      const started = timing.now();
      let response: Response;
      try {
        response = await options.fetch(url, {
          method: request.method,
          headers,
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        });
      } catch (cause) {
        logger.warn({ ...line, ms: timing.now() - started, err: String(cause) }, "graph request failed");
        if (attempt >= options.maxRetries) {
          throw new DirectoryError("unavailable", "cannot reach Microsoft Graph; try again later", { cause });
        }
        await timing.sleep(backoff(attempt));
        continue;
      }
      const body = await readBody(response);
      const requestId = response.headers.get("request-id") ?? undefined;
      const status = response.status;
      const logged = { ...line, status, ms: timing.now() - started, requestId };
      if (status < 400) {
        logger.info(logged, "graph request");
        return { status, headers: response.headers, body };
      }
      logger.warn(logged, "graph request");
      if (request.answerDespiteStatus?.(status, body)) return { status, headers: response.headers, body };
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), timing.now());
      const context: ErrorContext = {
        permission: request.permission,
        ...(request.notFound === undefined ? {} : { notFound: request.notFound }),
        ...(requestId === undefined ? {} : { requestId }),
      };
      if (status === 429) {
        const wait = retryAfterMs ?? backoff(attempt);
        if (request.failFastOn429) {
          throw errorFromResponse(status, body, { ...context, retryAfterMs: wait });
        }
        for (const [routeClass] of costs) throttled(wait, routeClass);
        if (attempt >= options.maxRetries) {
          throw errorFromResponse(status, body, { ...context, retryAfterMs: wait });
        }
        // The gate makes everyone else wait; this caller waits its own Retry-After too,
        // in case an injected budget does not block.
        await timing.sleep(wait);
        continue;
      }
      if (isRetryableStatus(status) && attempt < options.maxRetries) {
        await timing.sleep(retryAfterMs ?? backoff(attempt));
        continue;
      }
      if (status === 401 && !reauthenticated) {
        // A token revoked or expired early: one fresh token, then believe the 401.
        reauthenticated = true;
        options.tokens.invalidate(token);
        continue;
      }
      throw errorFromResponse(status, body, {
        ...context,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
  }

  return { request, throttled, options };
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
