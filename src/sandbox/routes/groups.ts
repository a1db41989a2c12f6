import {
  DIRECTORY_ROLE_PROPERTIES,
  directoryRoleJson,
  GROUP_PROPERTIES,
  groupJson,
  USER_PROPERTIES,
  userJson,
} from "../graph-shapes.js";
import { entityResponse, listResponse } from "./query.js";
import { type Route, userNotFound } from "./types.js";

/** Groups, their transitive user members, and a user's transitive groups and directory roles. */

const BOTH = ["v1.0", "beta"] as const;
const MEMBER_PROPERTIES = [...new Set([...USER_PROPERTIES, ...GROUP_PROPERTIES])];

export const groupRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/groups/{id}",
    versions: BOTH,
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
    handle: (request, params, context) => {
      const user = context.tenant.find(params.id!);
      if (!user) return userNotFound(params.id!);
      return listResponse(request, context, context.tenant.directoryRolesOf(user.id), directoryRoleJson, {
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
    handle: (request, params, context) => {
      const user = context.tenant.find(params.id!);
      if (!user) return userNotFound(params.id!);
      const rows = [
        ...context.tenant.transitiveGroupsOf(user.id).map(groupJson),
        ...context.tenant.directoryRolesOf(user.id).map(directoryRoleJson),
      ];
      return listResponse(request, context, rows, (row) => row, {
        contextFragment: "directoryObjects",
        countNeedsConsistencyLevel: true,
        properties: [...new Set([...GROUP_PROPERTIES, ...DIRECTORY_ROLE_PROPERTIES])],
      });
    },
  },
];
