import { USER_PROPERTIES, userJson } from "../graph-shapes.js";
import type { TenantUser } from "../tenant.js";
import { simpleEquality } from "./filter.js";
import { entityResponse, listResponse } from "./query.js";
import { type GraphRequest, PERMISSIONS, type Route, type RouteContext, userNotFound } from "./types.js";

/** `GET /users` (with `$filter=mail eq '…'` and friends) and `GET /users/{id | upn}`. */

const BOTH = ["v1.0", "beta"] as const;

/** Uses the tenant's indexes for the lookups clients make one user at a time. */
function candidates(request: GraphRequest, context: RouteContext): readonly TenantUser[] {
  const filter = request.query.get("$filter");
  const equality = filter ? simpleEquality(filter) : undefined;
  if (!equality) return context.tenant.allUsers();
  const property = equality.property.toLowerCase();
  if (property === "mail") return context.tenant.usersByMail(equality.value);
  if (property === "id" || property === "userprincipalname") {
    const user = context.tenant.find(equality.value);
    return user ? [user] : [];
  }
  return context.tenant.allUsers();
}

export const userRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/users",
    versions: BOTH,
    permissions: PERMISSIONS.readUsers,
    handle: (request, _params, context) =>
      listResponse(request, context, candidates(request, context), userJson, {
        contextFragment: "users",
        countNeedsConsistencyLevel: true,
        properties: USER_PROPERTIES,
      }),
  },
  {
    method: "GET",
    pattern: "/users/{id}",
    versions: BOTH,
    permissions: PERMISSIONS.readUsers,
    handle: (request, params, context) => {
      const user = context.tenant.find(params.id!);
      if (!user) return userNotFound(params.id!);
      return entityResponse(request, context, userJson(user), {
        contextFragment: "users/$entity",
        properties: USER_PROPERTIES,
      });
    },
  },
];
