import { randomUUID } from "node:crypto";
import { z } from "zod";
import { methodJson } from "./graph-shapes.js";
import { METHOD_TYPES } from "./seed-schema.js";
import type { SandboxTenant, TenantUser } from "./tenant.js";

/**
 * The sandbox's own admin routes, under `/_sandbox/` — outside `/v1.0` and `/beta`, so no
 * Graph client can mistake them for Graph. They stand in for what happens outside the
 * bot: a user signing in or registering a method, an admin switching security defaults
 * or a Conditional Access policy in the Entra admin center. No token: the sandbox is local.
 */

export const ADMIN_PREFIX = "/_sandbox/";

export interface AdminResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8" };

function answer(status: number, body: unknown): AdminResponse {
  return { status, headers: JSON_HEADERS, body };
}

function problem(status: number, message: string): AdminResponse {
  return answer(status, { error: message });
}

function userState(user: TenantUser) {
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    perUserMfaState: user.perUserMfaState,
    mustReregister: user.mustReregister,
    methods: user.methods.map(methodJson),
  };
}

const registerBody = z
  .strictObject({ type: z.enum(METHOD_TYPES).default("microsoftAuthenticator") })
  .prefault({});
const mfaStateBody = z.strictObject({
  state: z.enum(["disabled", "enabled", "enforced"]),
  by: z.string().min(1),
});
const securityDefaultsBody = z.strictObject({ isEnabled: z.boolean() });
const policyStateBody = z.strictObject({
  state: z.enum(["enabled", "disabled", "enabledForReportingButNotEnforced"]),
});

/** Admin routes, with the Microsoft page each follows. Undefined: not an admin path. */
export function handleAdmin(
  tenant: SandboxTenant,
  method: string,
  path: string,
  body: unknown,
): AdminResponse | undefined {
  if (!path.startsWith(ADMIN_PREFIX)) return undefined;
  const segments = path.slice(ADMIN_PREFIX.length).split("/").filter(Boolean).map(decodeURIComponent);
  if (method !== "POST") return problem(405, "the sandbox's admin routes take POST");

  // POST /_sandbox/users/{id|upn}/sign-in — the user signs in (and registers when prompted).
  // POST /_sandbox/users/{id|upn}/register — the user registers a method at mysecurityinfo.
  // https://learn.microsoft.com/entra/identity/authentication/howto-mfa-userstates
  if (segments[0] === "users" && segments.length === 3 && segments[1]) {
    const user = tenant.find(segments[1]);
    if (!user) return problem(404, `no user ${segments[1]}`);
    if (segments[2] === "sign-in") {
      const signedIn = tenant.signIn(user.id);
      return answer(200, { registered: signedIn.registered, user: userState(signedIn.user) });
    }
    // POST /_sandbox/users/{id|upn}/mfa-state {"state", "by"} — an admin changes the user's
    // per-user MFA state in the Entra admin center, outside the bot; the directory audit log
    // records it (https://learn.microsoft.com/graph/api/resources/directoryaudit).
    if (segments[2] === "mfa-state") {
      const parsed = mfaStateBody.safeParse(body);
      if (!parsed.success)
        return problem(400, 'body: { "state": "disabled" | "enabled" | "enforced", "by": <admin upn> }');
      if (!tenant.find(parsed.data.by)) return problem(404, `no user ${parsed.data.by}`);
      tenant.changeMfaStateAsAdmin(user.id, parsed.data.state, parsed.data.by);
      return answer(200, { user: userState(tenant.find(user.id)!) });
    }
    if (segments[2] === "register") {
      const parsed = registerBody.safeParse(body ?? {});
      if (!parsed.success) return problem(400, `body: { "type": one of ${METHOD_TYPES.join(", ")} }`);
      const type = parsed.data.type;
      if (type === "phone")
        return problem(400, "register a phone with a seed or tenant.setMethods: it needs a number");
      const registered = tenant.register(user.id, {
        id: randomUUID(),
        type,
        ...(type === "email" ? { emailAddress: `${user.userPrincipalName.split("@")[0]}@outlook.com` } : {}),
      });
      return answer(200, { user: userState(registered) });
    }
  }

  // POST /_sandbox/security-defaults {"isEnabled":…} — Entra will not turn security defaults
  // on while Conditional Access policies are enabled: "Organizations that choose to implement
  // Conditional Access policies that replace security defaults must disable security defaults"
  // (https://learn.microsoft.com/entra/fundamentals/security-defaults#disabling-security-defaults).
  if (segments.length === 1 && segments[0] === "security-defaults") {
    const parsed = securityDefaultsBody.safeParse(body);
    if (!parsed.success) return problem(400, 'body: { "isEnabled": true | false }');
    const enabledPolicies = tenant.conditionalAccessPolicies.filter((p) => p.state === "enabled");
    if (parsed.data.isEnabled && enabledPolicies.length > 0) {
      return problem(
        409,
        `turn the enabled Conditional Access policies off first: ${enabledPolicies.map((p) => p.displayName).join(", ")}`,
      );
    }
    tenant.setSecurityDefaults(parsed.data.isEnabled);
    return answer(200, { isEnabled: tenant.securityDefaultsEnabled });
  }

  // POST /_sandbox/conditional-access/policies/{id} {"state":…} — the policy's switch
  // (https://learn.microsoft.com/graph/api/resources/conditionalaccesspolicy, state).
  if (segments[0] === "conditional-access" && segments[1] === "policies" && segments.length === 3) {
    const parsed = policyStateBody.safeParse(body);
    if (!parsed.success)
      return problem(400, 'body: { "state": "enabled" | "disabled" | "enabledForReportingButNotEnforced" }');
    const policy = tenant.conditionalAccessPolicies.find((p) => p.id === segments[2]);
    if (!policy) return problem(404, `no Conditional Access policy ${segments[2]}`);
    if (parsed.data.state === "enabled" && tenant.securityDefaultsEnabled) {
      return problem(
        409,
        "security defaults are on: turn them off before enabling a Conditional Access policy",
      );
    }
    tenant.setConditionalAccessPolicies(
      tenant.conditionalAccessPolicies.map((p) =>
        p.id === policy.id ? { ...p, state: parsed.data.state } : p,
      ),
    );
    return answer(200, { id: policy.id, state: parsed.data.state });
  }
  return problem(404, "no such sandbox admin route");
}
