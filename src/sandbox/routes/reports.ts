import { REGISTRATION_PROPERTIES, registrationJson } from "../graph-shapes.js";
import type { TenantUser } from "../tenant.js";
import { entityResponse, listResponse } from "./query.js";
import {
  type GraphRequest,
  graphError,
  PERMISSIONS,
  type Route,
  type RouteContext,
  userNotFound,
} from "./types.js";

/** The registration report: Entra ID P1/P2 only, and disabled accounts are left out. */

const BOTH = ["v1.0", "beta"] as const;

function nonPremium() {
  return graphError(
    403,
    "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
    "Tenant is not a B2C tenant and doesn't have premium license",
  );
}

function details(user: TenantUser, request: GraphRequest, context: RouteContext) {
  const reported = context.tenant.reportedUser(user);
  return registrationJson(reported.user, reported.lastUpdated, request.version === "beta");
}

export const reportRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/reports/authenticationMethods/userRegistrationDetails",
    versions: BOTH,
    permissions: PERMISSIONS.readReport,
    handle: (request, _params, context) => {
      if (!context.tenant.premium) return nonPremium();
      const users = context.tenant.allUsers().filter((u) => u.accountEnabled);
      return listResponse(request, context, users, (u) => details(u, request, context), {
        contextFragment: "reports/authenticationMethods/userRegistrationDetails",
        countNeedsConsistencyLevel: false,
        properties: REGISTRATION_PROPERTIES,
      });
    },
  },
  {
    method: "GET",
    pattern: "/reports/authenticationMethods/userRegistrationDetails/{id}",
    versions: BOTH,
    permissions: PERMISSIONS.readReport,
    handle: (request, params, context) => {
      if (!context.tenant.premium) return nonPremium();
      const user = context.tenant.find(params.id!);
      if (!user?.accountEnabled) return userNotFound(params.id!);
      return entityResponse(request, context, details(user, request, context), {
        contextFragment: "reports/authenticationMethods/userRegistrationDetails/$entity",
        properties: REGISTRATION_PROPERTIES,
      });
    },
  },
];
