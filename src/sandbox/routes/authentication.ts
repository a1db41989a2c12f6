import { z } from "zod";
import {
  defaultMethodOf,
  METHOD_SEGMENTS,
  methodForPreference,
  methodJson,
  methodsJson,
  passwordMethodJson,
  preferredMethodName,
} from "../graph-shapes.js";
import { PASSWORD_METHOD_ID, SETTABLE_MFA_STATES } from "../seed-schema.js";
import {
  badRequest,
  fromTenantError,
  type GraphResponse,
  graphError,
  json,
  noContent,
  odataContext,
  PERMISSIONS,
  type Route,
  userNotFound,
} from "./types.js";

/**
 * Per-user MFA state (beta only), sign-in preferences (beta only) and the
 * authentication methods of a user.
 */

const BOTH = ["v1.0", "beta"] as const;
const BETA = ["beta"] as const;

const requirementsPatch = z.object({ perUserMfaState: z.string() });
const preferencesPatch = z.object({
  userPreferredMethodForSecondaryAuthentication: z.string().optional(),
  isSystemPreferredAuthenticationMethodEnabled: z.boolean().optional(),
});

function unknownSegment(segment: string): GraphResponse {
  return badRequest(`Resource not found for the segment '${segment}'.`);
}

export const authenticationRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/users/{id}/authentication/requirements",
    versions: BETA,
    permissions: PERMISSIONS.readMfaState,
    handle: (request, params, context) => {
      const user = context.tenant.find(params.id!);
      if (!user) return userNotFound(params.id!);
      return json({
        "@odata.context": odataContext(
          context,
          request.version,
          `users('${user.id}')/authentication/requirements/$entity`,
        ),
        perUserMfaState: user.perUserMfaState,
      });
    },
  },
  {
    method: "PATCH",
    pattern: "/users/{id}/authentication/requirements",
    versions: BETA,
    permissions: PERMISSIONS.writeMfaState,
    handle: (request, params, context) => {
      if (!context.tenant.find(params.id!)) return userNotFound(params.id!);
      const parsed = requirementsPatch.safeParse(request.body);
      if (!parsed.success)
        return graphError(400, "badRequest", "The request body must have a perUserMfaState string.");
      const state = parsed.data.perUserMfaState;
      if (!(SETTABLE_MFA_STATES as readonly string[]).includes(state)) {
        return graphError(
          400,
          "badRequest",
          `Invalid value '${state}' for perUserMfaState; expected one of ${SETTABLE_MFA_STATES.join(", ")}.`,
        );
      }
      context.tenant.setMfaState(params.id!, state);
      return noContent();
    },
  },
  {
    method: "GET",
    pattern: "/users/{id}/authentication/signInPreferences",
    versions: BETA,
    permissions: PERMISSIONS.readMethods,
    handle: (request, params, context) => {
      const user = context.tenant.find(params.id!);
      if (!user) return userNotFound(params.id!);
      return json({
        "@odata.context": odataContext(
          context,
          request.version,
          `users('${user.id}')/authentication/signInPreferences`,
        ),
        isSystemPreferredAuthenticationMethodEnabled: false,
        userPreferredMethodForSecondaryAuthentication: preferredMethodName(defaultMethodOf(user)),
        systemPreferredAuthenticationMethod: null,
      });
    },
  },
  {
    method: "PATCH",
    pattern: "/users/{id}/authentication/signInPreferences",
    versions: BETA,
    permissions: PERMISSIONS.writeMethods,
    handle: (request, params, context) => {
      const user = context.tenant.find(params.id!);
      if (!user) return userNotFound(params.id!);
      const parsed = preferencesPatch.safeParse(request.body);
      if (!parsed.success) return graphError(400, "badRequest", "Invalid signInPreferences body.");
      const preference = parsed.data.userPreferredMethodForSecondaryAuthentication;
      if (preference !== undefined) {
        const method = methodForPreference(user, preference);
        if (!method) {
          return graphError(
            400,
            "badRequest",
            `The user has no registered method for preference '${preference}'.`,
          );
        }
        context.tenant.update(user.id, { defaultMethod: method.id });
      }
      return noContent();
    },
  },
  {
    method: "GET",
    pattern: "/users/{id}/authentication/methods",
    versions: BOTH,
    permissions: PERMISSIONS.readMethods,
    handle: (request, params, context) => {
      const user = context.tenant.find(params.id!);
      if (!user) return userNotFound(params.id!);
      return json({
        "@odata.context": odataContext(
          context,
          request.version,
          `users('${user.id}')/authentication/methods`,
        ),
        value: methodsJson(user),
      });
    },
  },
  {
    method: "GET",
    pattern: "/users/{id}/authentication/methods/{methodId}",
    versions: BOTH,
    permissions: PERMISSIONS.readMethods,
    handle: (request, params, context) => {
      const user = context.tenant.find(params.id!);
      if (!user) return userNotFound(params.id!);
      const method = methodsJson(user).find(
        (m) => String(m.id).toLowerCase() === params.methodId!.toLowerCase(),
      );
      if (!method) return userNotFound(params.methodId!);
      return json({
        "@odata.context": odataContext(
          context,
          request.version,
          `users('${user.id}')/authentication/methods/$entity`,
        ),
        ...method,
      });
    },
  },
  {
    method: "GET",
    pattern: "/users/{id}/authentication/{kind}",
    versions: BOTH,
    permissions: PERMISSIONS.readMethods,
    handle: (request, params, context) => {
      const kind = params.kind!;
      const user = context.tenant.find(params.id!);
      if (kind.toLowerCase() === "passwordmethods") {
        if (!user) return userNotFound(params.id!);
        return json({ value: [passwordMethodJson()] });
      }
      const type = METHOD_SEGMENTS[kind.toLowerCase()];
      if (!type) return unknownSegment(kind);
      if (!user) return userNotFound(params.id!);
      return json({
        "@odata.context": odataContext(
          context,
          request.version,
          `users('${user.id}')/authentication/${kind}`,
        ),
        value: user.methods.filter((m) => m.type === type).map(methodJson),
      });
    },
  },
  {
    method: "GET",
    pattern: "/users/{id}/authentication/{kind}/{methodId}",
    versions: BOTH,
    permissions: PERMISSIONS.readMethods,
    handle: (_request, params, context) => {
      const type = METHOD_SEGMENTS[params.kind!.toLowerCase()];
      if (!type) return unknownSegment(params.kind!);
      const user = context.tenant.find(params.id!);
      if (!user) return userNotFound(params.id!);
      const method = user.methods.find(
        (m) => m.type === type && m.id.toLowerCase() === params.methodId!.toLowerCase(),
      );
      return method ? json(methodJson(method)) : userNotFound(params.methodId!);
    },
  },
  {
    method: "DELETE",
    pattern: "/users/{id}/authentication/{kind}/{methodId}",
    versions: BOTH,
    permissions: PERMISSIONS.writeMethods,
    handle: (_request, params, context) => {
      const kind = params.kind!.toLowerCase();
      if (kind === "passwordmethods" || params.methodId === PASSWORD_METHOD_ID) {
        return graphError(400, "badRequest", "The password authentication method cannot be deleted.");
      }
      const type = METHOD_SEGMENTS[kind];
      if (!type) return unknownSegment(params.kind!);
      const result = context.tenant.deleteMethod(params.id!, type, params.methodId!);
      return result.ok ? noContent() : fromTenantError(result.error);
    },
  },
];
