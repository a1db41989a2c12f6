import { auditLogRoutes } from "./audit-logs.js";
import { authenticationRoutes } from "./authentication.js";
import { groupRoutes } from "./groups.js";
import { policyRoutes } from "./policies.js";
import { reportRoutes } from "./reports.js";
import {
  badRequest,
  type GraphRequest,
  type GraphResponse,
  type GraphVersion,
  graphError,
  type Params,
  type Route,
  type RouteContext,
} from "./types.js";
import { userRoutes } from "./users.js";

export const ROUTES: readonly Route[] = [
  ...userRoutes,
  ...authenticationRoutes,
  ...reportRoutes,
  ...groupRoutes,
  ...policyRoutes,
  ...auditLogRoutes,
];

const compiled = ROUTES.map((route) => ({ route, parts: route.pattern.split("/").filter(Boolean) }));

/**
 * Splits a path after the version into decoded segments; Graph's key form
 * `users('$x@y')` becomes `users`, `$x@y`. Undefined when the encoding is broken.
 */
export function splitPath(rawPath: string): string[] | undefined {
  const segments: string[] = [];
  for (const raw of rawPath.split("/")) {
    if (raw === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    const key = /^([A-Za-z]+)\('(.*)'\)$/s.exec(segment);
    if (key) segments.push(key[1]!, key[2]!.replaceAll("''", "'"));
    else segments.push(segment);
  }
  return segments;
}

export type Resolution =
  | { route: Route; params: Params; statsKey: string }
  | { response: GraphResponse; statsKey: string };

/**
 * Finds the route for a request. The most literal pattern wins (`…/requirements` over
 * `…/{kind}`), and only then are method and version checked, so a beta-only path asked
 * on v1.0 is the 400 Graph gives rather than a near miss on a looser pattern.
 */
export function resolve(method: string, version: GraphVersion, segments: readonly string[]): Resolution {
  const matches = compiled.flatMap(({ route, parts }) => {
    const params = matchParts(parts, segments);
    return params ? [{ route, params, literals: parts.filter((p) => !p.startsWith("{")).length }] : [];
  });
  const statsKey = `${method} /${version}/(unmatched)`;
  if (matches.length === 0) {
    return {
      response: badRequest(`Resource not found for the segment '${unknownSegment(segments)}'.`),
      statsKey,
    };
  }
  const mostLiteral = Math.max(...matches.map((m) => m.literals));
  const best = matches.filter((m) => m.literals === mostLiteral);
  const inVersion = best.filter((m) => m.route.versions.includes(version));
  const hit = inVersion.find((m) => m.route.method === method);
  if (hit)
    return { route: hit.route, params: hit.params, statsKey: `${method} /${version}${hit.route.pattern}` };
  if (inVersion.length > 0) {
    return {
      response: graphError(
        405,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request uri.",
      ),
      statsKey,
    };
  }
  const last = best[0]!.route.pattern.split("/").at(-1)!;
  return { response: badRequest(`Resource not found for the segment '${last}'.`), statsKey };
}

function matchParts(parts: readonly string[], segments: readonly string[]): Params | undefined {
  if (parts.length !== segments.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const segment = segments[i]!;
    if (part.startsWith("{")) params[part.slice(1, -1)] = segment;
    else if (part.toLowerCase() !== segment.toLowerCase()) return undefined;
  }
  return params;
}

/** The first segment no route knows at its position, as Graph names it in its 400. */
function unknownSegment(segments: readonly string[]): string {
  for (let i = 0; i < segments.length; i++) {
    const prefix = segments.slice(0, i + 1);
    const known = compiled.some(
      ({ parts }) => parts.length > i && matchParts(parts.slice(0, i + 1), prefix) !== undefined,
    );
    if (!known) return segments[i]!;
  }
  return segments.at(-1) ?? "";
}

export function dispatch(
  resolution: Resolution,
  request: GraphRequest,
  context: RouteContext,
): GraphResponse {
  if ("response" in resolution) return resolution.response;
  return resolution.route.handle(request, resolution.params, context);
}
