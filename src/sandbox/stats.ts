/**
 * What the sandbox was asked, counted by method and route pattern
 * (`PATCH /beta/users/{id}/authentication/requirements`), so a benchmark can say
 * how many Graph calls one user cost. Items inside a `$batch` are counted under
 * their own route as well as the batch itself.
 */
export interface SandboxStatsSnapshot {
  /** HTTP requests received (a `$batch` is one). */
  httpRequests: number;
  /** Graph operations: plain requests plus items inside batches. */
  graphOperations: number;
  batchItems: number;
  tokensIssued: number;
  /** 401s for a missing, unknown or expired token. */
  unauthorized: number;
  /** 403s for a token without a permission the route needs. */
  forbidden: number;
  /** 429s, plain or per batch item. */
  throttled: number;
  /** Injected 503s. */
  faults: number;
  /** Total delay added by the `latencyMs` option. */
  latencyAppliedMs: number;
  byRoute: Record<string, number>;
  /** 429s from `--limits documented`, by limit (writes, reads, reports, conditionalAccess). */
  throttledByLimit: Record<string, number>;
}

export class SandboxStats {
  httpRequests = 0;
  graphOperations = 0;
  batchItems = 0;
  tokensIssued = 0;
  unauthorized = 0;
  forbidden = 0;
  throttled = 0;
  faults = 0;
  latencyAppliedMs = 0;
  private readonly routes = new Map<string, number>();
  private readonly throttles = new Map<string, number>();

  countThrottle(limit: string): void {
    this.throttles.set(limit, (this.throttles.get(limit) ?? 0) + 1);
  }

  countRoute(key: string): void {
    this.routes.set(key, (this.routes.get(key) ?? 0) + 1);
  }

  /** Requests seen for `METHOD /version/pattern`, e.g. `count("GET /v1.0/users/{id}")`. */
  count(key: string): number {
    return this.routes.get(key) ?? 0;
  }

  snapshot(): SandboxStatsSnapshot {
    return {
      httpRequests: this.httpRequests,
      graphOperations: this.graphOperations,
      batchItems: this.batchItems,
      tokensIssued: this.tokensIssued,
      unauthorized: this.unauthorized,
      forbidden: this.forbidden,
      throttled: this.throttled,
      faults: this.faults,
      latencyAppliedMs: this.latencyAppliedMs,
      byRoute: Object.fromEntries([...this.routes].sort(([a], [b]) => a.localeCompare(b))),
      throttledByLimit: Object.fromEntries(this.throttles),
    };
  }

  reset(): void {
    this.httpRequests = 0;
    this.graphOperations = 0;
    this.batchItems = 0;
    this.tokensIssued = 0;
    this.unauthorized = 0;
    this.forbidden = 0;
    this.throttled = 0;
    this.faults = 0;
    this.latencyAppliedMs = 0;
    this.routes.clear();
    this.throttles.clear();
  }
}
