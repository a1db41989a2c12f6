import { json, odataContext, PERMISSIONS, type Route } from "./types.js";

/** Conditional Access policies and security defaults, read-only. */

const BOTH = ["v1.0", "beta"] as const;

export const SECURITY_DEFAULTS_POLICY_ID = "00000000-0000-0000-0000-000000000005";

export const policyRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/identity/conditionalAccess/policies",
    versions: BOTH,
    permissions: PERMISSIONS.readPolicies,
    handle: (request, _params, context) =>
      json({
        "@odata.context": odataContext(context, request.version, "identity/conditionalAccess/policies"),
        value: context.tenant.conditionalAccessPolicies,
      }),
  },
  {
    method: "GET",
    pattern: "/policies/identitySecurityDefaultsEnforcementPolicy",
    versions: BOTH,
    permissions: PERMISSIONS.readPolicies,
    handle: (request, _params, context) =>
      json({
        "@odata.context": odataContext(
          context,
          request.version,
          "policies/identitySecurityDefaultsEnforcementPolicy/$entity",
        ),
        id: SECURITY_DEFAULTS_POLICY_ID,
        displayName: "Security Defaults",
        description:
          "Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization.",
        isEnabled: context.tenant.securityDefaultsEnabled,
      }),
  },
];
