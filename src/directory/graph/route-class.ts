/**
 * Which of Microsoft Graph's published limits a request counts against, and what it costs
 * there, as https://learn.microsoft.com/graph/throttling-limits describes them for the
 * routes this bot uses. The bot keeps one budget per class (class-budget.ts), so a request
 * of one class never waits for another class's limit.
 *
 * - `writes`: identity and access writes — 3,000 per 2 min 30 s per app+tenant.
 * - `reads`: identity and access reads, in resource units (RU) per 10 s per app+tenant:
 *   3,500 / 5,000 / 8,000 for tenants under 50 / 50–500 / above 500 users. Listing users
 *   costs 2 RU, a group's members 3, its transitive members 5, anything else 1; `$select`
 *   takes 1 off, `$expand` adds 1, `$top` under 20 takes 1 off; never below 1.
 * - `reports`: the identity and access reports service (registration details) — 5 requests
 *   per 10 s per app+tenant.
 * - `conditionalAccess`: identity protection and Conditional Access — 1 request per second
 *   per tenant; its 429 has no Retry-After.
 */

export const GRAPH_ROUTE_CLASSES = ["writes", "reads", "reports", "conditionalAccess"] as const;
export type GraphRouteClass = (typeof GRAPH_ROUTE_CLASSES)[number];

export interface ClassLimit {
  /** Requests (resource units for reads) a rested bucket holds. */
  count: number;
  windowMs: number;
}

/**
 * The page's numbers for the app+tenant pair. Reads assume the smallest tenant column
 * (3,500 RU) unless told the tenant's size: over-pacing reads costs little, a 429 costs a
 * whole Retry-After.
 */
export function graphClassLimits(readUnitsPer10s = 3_500): Record<GraphRouteClass, ClassLimit> {
  return {
    writes: { count: 3_000, windowMs: 150_000 },
    reads: { count: readUnitsPer10s, windowMs: 10_000 },
    reports: { count: 5, windowMs: 10_000 },
    conditionalAccess: { count: 1, windowMs: 1_000 },
  };
}

/**
 * A limit shrunk for a tenant that was shrunk the same way (the sandbox's `--limit-scale`):
 * the rate stays, the bucket holds `scale` of it, at least one request.
 */
export function scaledClassLimit(limit: ClassLimit, scale: number): ClassLimit {
  const count = Math.max(1, Math.round(limit.count * scale));
  return { count, windowMs: (limit.windowMs / limit.count) * count };
}

export interface ClassCost {
  routeClass: GraphRouteClass;
  cost: number;
}

/** Path of a Graph URL after the version (`/users/x/…`), without the query; lower case. */
function routeOf(path: string): { route: string; query: URLSearchParams } {
  const url = new URL(path, "https://graph.invalid");
  const route = url.pathname.replace(/^.*?\/(v1\.0|beta)(?=\/)/i, "").toLowerCase();
  return { route, query: url.searchParams };
}

/** Where one request (not a `$batch`) counts, and how much. */
export function classCostOf(method: string, path: string): ClassCost {
  const { route, query } = routeOf(path);
  if (route.startsWith("/identity/conditionalaccess/")) return { routeClass: "conditionalAccess", cost: 1 };
  if (route.startsWith("/reports/")) return { routeClass: "reports", cost: 1 };
  if (method.toUpperCase() !== "GET") return { routeClass: "writes", cost: 1 };
  let units = 1;
  if (route === "/users") units = 2;
  else if (/^\/groups\/[^/]+\/transitivemembers(\/|$)/.test(route)) units = 5;
  else if (/^\/groups\/[^/]+\/members(\/|$)/.test(route)) units = 3;
  if (query.has("$select")) units--;
  if (query.has("$expand")) units++;
  const top = query.get("$top");
  if (top !== null && Number(top) < 20) units--;
  return { routeClass: "reads", cost: Math.max(1, units) };
}

export type ClassCosts = Partial<Record<GraphRouteClass, number>>;

/** Costs of several requests (a `$batch`'s items), added up per class. */
export function classCostsOf(requests: ReadonlyArray<{ method: string; url: string }>): ClassCosts {
  const costs: ClassCosts = {};
  for (const request of requests) {
    const { routeClass, cost } = classCostOf(request.method, request.url);
    costs[routeClass] = (costs[routeClass] ?? 0) + cost;
  }
  return costs;
}
