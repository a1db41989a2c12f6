import {
  DIRECTORY_ROLE_PROPERTIES,
  directoryRoleJson,
  GROUP_PROPERTIES,
  groupJson,
  USER_PROPERTIES,
  userJson,
} from "../graph-shapes.js";
import type { SeedDirectoryRole } from "../seed-schema.js";
import { entityResponse, listResponse } from "./query.js";
import { PERMISSIONS, type Route, type RouteContext, userNotFound } from "./types.js";

/** Groups, their transitive user members, and a user's transitive groups and directory roles. */

/**
 * A directory role as a membership list shows it: whole when the app may read directory
 * roles, otherwise only its type and id ("limited information",
 * https://learn.microsoft.com/graph/permissions-overview#limited-information-returned-for-inaccessible-member-objects).
 */
function roleAsSeenBy(context: RouteContext) {
  const whole = PERMISSIONS.readRoles.some((permission) => context.roles.has(permission));
  return (role: SeedDirectoryRole): Record<string, unknown> =>
    whole ? directoryRoleJson(role) : { "@odata.type": "#microsoft.graph.directoryRole", id: role.id };
}

const BOTH = ["v1.0", "beta"] as const;
const MEMBER_PROPERTIES = [...new Set([...USER_PROPERTIES, ...GROUP_PROPERTIES])];

export const groupRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/groups/{id}",
    versions: BOTH,
    permissions: PERMISSIONS.readGroups,
    handle: (request, params, context) => {
      const group = context.tenant.group(params.id!);
      if (!group) return userNotFound(params.id!);
      return entityResponse(request, context, groupJson(group), {
        contextFragment: "groups/$entity",
        properties: GROUP_PROPERTIES,
      });
    },
  },
  {
    method: "GET",
    pattern: "/groups/{id}/transitiveMembers/microsoft.graph.user",
    versions: BOTH,
    permissions: PERMISSIONS.readGroups,
    handle: (request, params, context) => {
      const users = context.tenant.transitiveUserMembers(params.id!);
      if (!users) return userNotFound(params.id!);
      return listResponse(request, context, users, userJson, {
        contextFragment: "users",
        countNeedsConsistencyLevel: true,
        properties: USER_PROPERTIES,
      });
    },
  },
  {
    method: "GET",
    pattern: "/groups/{id}/transitiveMembers",
    versions: BOTH,
    permissions: PERMISSIONS.readGroups,
    handle: (request, params, context) => {
      const members = context.tenant.transitiveMembers(params.id!);
      if (!members) return userNotFound(params.id!);
      const rows = [
        ...members.users.map((u) => ({ "@odata.type": "#microsoft.graph.user", ...userJson(u) })),
        ...members.groups.map(groupJson),
      ];
      return listResponse(request, context, rows, (row) => row, {
        contextFragment: "directoryObjects",
        countNeedsConsistencyLevel: true,
        properties: MEMBER_PROPERTIES,
      });
    },
  },
  {
    method: "GET",
    pattern: "/users/{id}/transitiveMemberOf/microsoft.graph.group",
    versions: BOTH,
    permissions: PERMISSIONS.readMemberOf,
    handle: (request, params, context) => {
      const user = context.tenant.find(params.id!);
      if (!user) return userNotFound(params.id!);
      return listResponse(request, context, context.tenant.transitiveGroupsOf(user.id), groupJson, {
        contextFragment: "groups",
        countNeedsConsistencyLevel: true,
        properties: GROUP_PROPERTIES,
      });
    },
  },
  {
    // https://learn.microsoft.com/graph/api/user-list-transitivememberof (OData cast to directoryRole)
    method: "GET",
    pattern: "/users/{id}/transitiveMemberOf/microsoft.graph.directoryRole",
    versions: BOTH,
    permissions: PERMISSIONS.readMemberOf,
    handle: (request, params, context) => {
      const user = context.tenant.find(params.id!);
      if (!user) return userNotFound(params.id!);
      return listResponse(request, context, context.tenant.directoryRolesOf(user.id), roleAsSeenBy(context), {
        contextFragment: "directoryRoles",
        countNeedsConsistencyLevel: true,
        properties: DIRECTORY_ROLE_PROPERTIES,
      });
    },
  },
  {
    method: "GET",
    pattern: "/users/{id}/transitiveMemberOf",
    versions: BOTH,
    permissions: PERMISSIONS.readMemberOf,
    handle: (request, params, context) => {
      const user = context.tenant.find(params.id!);
      if (!user) return userNotFound(params.id!);
      const rows = [
        ...context.tenant.transitiveGroupsOf(user.id).map(groupJson),
        ...context.tenant.directoryRolesOf(user.id).map(roleAsSeenBy(context)),
      ];
      return listResponse(request, context, rows, (row) => row, {
        contextFragment: "directoryObjects",
        countNeedsConsistencyLevel: true,
        properties: [...new Set([...GROUP_PROPERTIES, ...DIRECTORY_ROLE_PROPERTIES])],
      });
    },
  },
];
