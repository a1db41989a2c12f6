import { randomBytes, randomUUID } from "node:crypto";
import { checkClientAssertion } from "./client-assertion.js";
import type { SandboxSignIn } from "./sign-in.js";

/**
 * The Microsoft identity platform's token endpoint, locally — client credentials, and the
 * authorization-code grant of a user's sign-in (sign-in.ts):
 * any tenant, client id and secret is accepted, but the form must be the one Entra
 * requires, so a client that would fail against login.microsoftonline.com fails here
 * too. A certificate assertion is checked as Entra checks it (audience, issuer, time
 * and, when the seed registers the app's certificate, the signature). Issued tokens are
 * opaque and remembered with the application permissions the tenant's seed grants —
 * Graph then answers 403 for anything else, as it does for an app without consent
 * (https://learn.microsoft.com/graph/permissions-overview).
 */

export interface TokenResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

function aadError(status: number, error: string, code: number, description: string): TokenResponse {
  return {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store, no-cache" },
    body: {
      error,
      error_description: `AADSTS${code}: ${description}`,
      error_codes: [code],
      timestamp: new Date().toISOString().replace("T", " ").slice(0, 19),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function missing(parameter: string): TokenResponse {
  return aadError(
    400,
    "invalid_request",
    900144,
    `The request body must contain the following parameter: '${parameter}'.`,
  );
}

export type TokenCheck = { ok: true; roles: ReadonlySet<string> } | { ok: false; message: string };

/** What the token endpoint needs to know about the tenant's app registration. */
export interface AppRegistration {
  permissions: readonly string[];
  certificates: readonly string[];
}

export class TokenIssuer {
  private readonly tokens = new Map<string, { expiresAt: number; roles: ReadonlySet<string> }>();

  constructor(
    private readonly lifetimeSeconds: number,
    private readonly now: () => number,
    /** Read at every issue: an admin may grant or revoke permissions while tokens live. */
    private readonly application: () => AppRegistration,
    /** User sign-in (the authorization-code grant); without it only client credentials are issued. */
    private readonly signIn?: Pick<SandboxSignIn, "redeem">,
  ) {}

  /**
   * Handles `POST /{tenant}/oauth2/v2.0/token`; `audiences` are the URLs a client
   * assertion may name as `aud` (this endpoint's own, for the tenant in the path).
   */
  issue(contentType: string | undefined, rawBody: string, audiences: readonly string[] = []): TokenResponse {
    const form = contentType?.toLowerCase().includes("application/x-www-form-urlencoded")
      ? new URLSearchParams(rawBody)
      : new URLSearchParams();
    const grantType = form.get("grant_type");
    if (!grantType) return missing("grant_type");
    const userSignIn = grantType === "authorization_code" && this.signIn !== undefined;
    if (grantType !== "client_credentials" && !userSignIn) {
      return aadError(
        400,
        "unsupported_grant_type",
        70003,
        `The app requested an unsupported grant type '${grantType}'.`,
      );
    }
    if (!form.get("client_id")) return missing("client_id");
    if (!userSignIn) {
      const scope = form.get("scope");
      if (!scope) return missing("scope");
      if (!scope.split(" ").every((s) => s.endsWith("/.default"))) {
        return aadError(
          400,
          "invalid_scope",
          1002012,
          `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
      }
    }
    const assertion = form.get("client_assertion");
    if (!form.get("client_secret") && !assertion) {
      // A web app redeems a sign-in code with its secret or certificate: "client_secret … required
      // for confidential web apps" (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).
      return userSignIn
        ? aadError(
            401,
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
          )
        : aadError(
            401,
            "invalid_client",
            7000216,
            "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
          );
    }
    if (assertion && form.get("client_assertion_type") !== JWT_BEARER) {
      return missing("client_assertion_type");
    }
    const application = this.application();
    if (assertion) {
      const checked = checkClientAssertion(assertion, {
        clientId: form.get("client_id") ?? "",
        audiences,
        certificates: application.certificates,
        nowMs: this.now(),
      });
      if (!checked.ok) return aadError(401, "invalid_client", checked.code, checked.description);
    }
    if (userSignIn) return this.redeemCode(form);
    return this.answer(new Set(application.permissions), {});
  }

  /** A signed-in user's tokens: an access token with no application permission, and the ID token. */
  private redeemCode(form: URLSearchParams): TokenResponse {
    const redeemed = this.signIn!.redeem(form);
    if (!redeemed.ok) return aadError(400, redeemed.error, redeemed.code, redeemed.description);
    return this.answer(new Set(), {
      scope: redeemed.scope,
      ...(redeemed.idToken ? { id_token: redeemed.idToken } : {}),
    });
  }

  private answer(roles: ReadonlySet<string>, extra: Record<string, string>): TokenResponse {
    const token = randomBytes(32).toString("base64url");
    this.tokens.set(token, { expiresAt: this.now() + this.lifetimeSeconds * 1000, roles });
    return {
      status: 200,
      headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store, no-cache" },
      body: {
        token_type: "Bearer",
        expires_in: this.lifetimeSeconds,
        ext_expires_in: this.lifetimeSeconds,
        access_token: token,
        ...extra,
      },
    };
  }

  /** Checks an `Authorization` header the way Graph does (401 reasons as Graph words them). */
  check(authorization: string | undefined): TokenCheck {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match) return { ok: false, message: "Access token is empty." };
    const issued = this.tokens.get(match[1]!);
    if (issued === undefined)
      return { ok: false, message: "Access token validation failure. Invalid audience." };
    if (this.now() >= issued.expiresAt)
      return { ok: false, message: "Lifetime validation failed, the token is expired." };
    return { ok: true, roles: issued.roles };
  }
}
