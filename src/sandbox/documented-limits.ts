/**
 * `--limits documented`: the sandbox throttles each route the way Microsoft Graph's
 * "service-specific throttling limits" page says its service does
 * (https://learn.microsoft.com/graph/throttling-limits), one token bucket per limit, per
 * app and tenant (the sandbox is one tenant and sees one app):
 *
 * - Identity and access — writes (POST, PATCH, PUT, DELETE on users, methods, requirements):
 *   3,000 per 2 min 30 s per app+tenant. A token bucket, so a rested app may burst.
 *   (#identity-and-access-service-limits)
 * - Identity and access — reads: resource units (RU) per 10 s per app+tenant by tenant size,
 *   S (< 50 users) 3,500, M (50–500) 5,000, L (> 500) 8,000. A request costs its base cost
 *   (listed operations; 1 when not listed), `$select` takes 1 off, `$expand` adds 1, a
 *   `$top` under 20 takes 1 off, never below 1. (#identity-and-access-service-limits,
 *   "Base request cost" and "Other factors that affect a request cost")
 * - Identity and access reports (`/reports/authenticationMethods/…`): 5 requests per 10 s
 *   per app+tenant. (#identity-and-access-reports-service-limits) That page also lists
 *   `authenticationMethod` among its resources, so per-user methods reads may count here
 *   too: `methodsReads: "reports"` produces that reading of the page.
 * - Identity protection and Conditional Access: 1 request per second per tenant, and its
 *   429 carries no Retry-After. (#identity-protection-and-conditional-access-service-limits)
 *
 * Every Graph operation — a request of its own or an item of a `$batch` — is counted on its
 * own route (https://learn.microsoft.com/graph/throttling#throttling-and-batching).
 * A request that is throttled takes no tokens.
 *
 * `scale` (0 < scale ≤ 1) shrinks counts and windows together so tests and benchmarks stay
 * short: each limit keeps its rate and its bucket holds `scale` of its count (at least one
 * request, the window then stretched to keep the rate). 3,000 per 150 s at 0.1 is 300 per 15 s.
 */

export const LIMIT_CLASSES = ["writes", "reads", "reports", "conditionalAccess"] as const;
export type LimitClass = (typeof LIMIT_CLASSES)[number];

export type TenantSize = "S" | "M" | "L";

/** Resource units per 10 s by tenant size (throttling-limits page, identity and access). */
export const READ_UNITS_PER_10S: Record<TenantSize, number> = { S: 3_500, M: 5_000, L: 8_000 };

export function tenantSizeOf(users: number): TenantSize {
  return users < 50 ? "S" : users <= 500 ? "M" : "L";
}

export interface Limit {
  count: number;
  windowMs: number;
}

/** The page's numbers, before any scale. */
export function documentedLimits(size: TenantSize): Record<LimitClass, Limit> {
  return {
    writes: { count: 3_000, windowMs: 150_000 },
    reads: { count: READ_UNITS_PER_10S[size], windowMs: 10_000 },
    reports: { count: 5, windowMs: 10_000 },
    conditionalAccess: { count: 1, windowMs: 1_000 },
  };
}

/** Counts and windows shrunk together; the rate stays, a bucket holds at least one request. */
export function scaleLimit(limit: Limit, scale: number): Limit {
  const count = Math.max(1, Math.round(limit.count * scale));
  return { count, windowMs: (limit.windowMs * count) / limit.count };
}

/**
 * Base request costs the identity-and-access table lists for the routes the sandbox serves
 * (everything else costs 1): listing users 2, a group's members 3, transitive members 5.
 */
const BASE_READ_COST: ReadonlyArray<[RegExp, number]> = [
  [/^\/users$/, 2],
  [/^\/groups\/\{id\}\/transitiveMembers(\/|$)/, 5],
  [/^\/groups\/\{id\}\/members(\/|$)/, 3],
];

/** Resource units a read costs under the page's modifiers. */
export function readCost(pattern: string, query: URLSearchParams): number {
  let cost = BASE_READ_COST.find(([re]) => re.test(pattern))?.[1] ?? 1;
  if (query.has("$select")) cost -= 1;
  if (query.has("$expand")) cost += 1;
  const top = Number(query.get("$top"));
  if (query.has("$top") && Number.isFinite(top) && top < 20) cost -= 1;
  return Math.max(1, cost);
}

export type MethodsReads = "identity" | "reports";

/** Which limit a route counts against, and how much it costs there. */
export function classify(
  method: string,
  pattern: string,
  query: URLSearchParams,
  methodsReads: MethodsReads,
): { limit: LimitClass; cost: number } {
  if (pattern.startsWith("/identity/conditionalAccess/")) return { limit: "conditionalAccess", cost: 1 };
  if (pattern.startsWith("/reports/")) return { limit: "reports", cost: 1 };
  if (method !== "GET") return { limit: "writes", cost: 1 };
  if (methodsReads === "reports" && /^\/users\/\{id\}\/authentication\/(methods|\{kind\})/.test(pattern))
    return { limit: "reports", cost: 1 };
  return { limit: "reads", cost: readCost(pattern, query) };
}

export type LimitDecision =
  | { ok: true; limit: LimitClass }
  | { ok: false; limit: LimitClass; retryAfterSeconds: number | undefined };

/** A token bucket: `count` tokens, refilled continuously at count per window. */
class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly limit: Limit,
    now: number,
  ) {
    this.tokens = limit.count;
    this.at = now;
  }

  /** Takes `cost` tokens, or says in how many ms there will be enough. */
  take(cost: number, now: number): number {
    const rate = this.limit.count / this.limit.windowMs;
    this.tokens = Math.min(this.limit.count, this.tokens + (now - this.at) * rate);
    this.at = now;
    const need = Math.min(cost, this.limit.count);
    if (this.tokens >= need) {
      this.tokens -= need;
      return 0;
    }
    return (need - this.tokens) / rate;
  }
}

export interface DocumentedLimitsOptions {
  /** Users in the tenant: picks the read limit's size column. */
  users: number;
  scale: number;
  methodsReads: MethodsReads;
  now: () => number;
}

export class DocumentedLimits {
  private readonly buckets: Record<LimitClass, TokenBucket>;
  readonly limits: Record<LimitClass, Limit>;

  constructor(private readonly options: DocumentedLimitsOptions) {
    if (!(options.scale > 0 && options.scale <= 1))
      throw new RangeError(`limit scale must be above 0 and at most 1, not ${options.scale}`);
    const documented = documentedLimits(tenantSizeOf(options.users));
    const t = options.now();
    this.limits = Object.fromEntries(
      LIMIT_CLASSES.map((c) => [c, scaleLimit(documented[c], options.scale)]),
    ) as Record<LimitClass, Limit>;
    this.buckets = Object.fromEntries(
      LIMIT_CLASSES.map((c) => [c, new TokenBucket(this.limits[c], t)]),
    ) as Record<LimitClass, TokenBucket>;
  }

  take(method: string, pattern: string, query: URLSearchParams): LimitDecision {
    const { limit, cost } = classify(method, pattern, query, this.options.methodsReads);
    const waitMs = this.buckets[limit].take(cost, this.options.now());
    if (waitMs <= 0) return { ok: true, limit };
    // Conditional Access answers its 429 without Retry-After (the page says so).
    const retryAfterSeconds =
      limit === "conditionalAccess" ? undefined : Math.max(1, Math.ceil(waitMs / 1000));
    return { ok: false, limit, retryAfterSeconds };
  }
}
