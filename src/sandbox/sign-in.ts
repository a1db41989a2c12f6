import { createHash, generateKeyPairSync, type KeyObject, randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { isGuid } from "../core/ids.js";
import { escapeHtml, htmlPage } from "../http/html.js";
import { signRs256 } from "../signin/jwt.js";
import { s256Challenge } from "../signin/pkce.js";
import { guidFrom } from "./default-seed.js";
import type { SandboxTenant, TenantUser } from "./tenant.js";

/**
 * The Microsoft identity platform's user sign-in, locally: the authorize endpoint, the
 * authorization-code grant of the token endpoint, the tenant's OpenID configuration and its
 * signing keys, as Microsoft documents them —
 * - authorize and redeem: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
 *   (parameters, the `query` response, the error response, "Authorization codes are short lived …
 *   about 10 minutes", PKCE with S256 or plain, `code_verifier` "Required if PKCE was used");
 * - single use: a code redeemed twice answers AADSTS54005 "OAuth2 Authorization code was already
 *   redeemed" (https://learn.microsoft.com/entra/identity-platform/msal-authentication-flows#authorization-code);
 * - ID tokens: RS256 with a `kid`, and the claims of
 *   https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference (`oid`, `name`
 *   and `preferred_username` only with the `profile` scope);
 * - configuration and keys: https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc
 *   (`jwks_uri` = `{authority}/{tenant}/discovery/v2.0/keys`) and
 *   https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-issuer (a
 *   tenant-specific issuer names the tenant's GUID even when asked by domain; `common` and
 *   `organizations` answer the `{tenantid}` template; keys carry an `issuer`).
 * Being local, it has no passwords: a `login_hint` naming a seeded user signs them in at once,
 * and without one a page lists the users to pick from. The key pair is made when the sandbox
 * starts. `POST /_sandbox/sign-in/next-id-token` makes the next ID token wrong in one way, so a
 * client's refusal of each can be tested end to end.
 */

export const ID_TOKEN_FAULTS = [
  /** Signed by another key, under the `kid` of the published one. */
  "foreign-key",
  /** Signed by another key, under a `kid` the tenant does not publish. */
  "unknown-kid",
  "audience",
  "issuer",
  /** Another tenant's `tid` (and `iss` to match it). */
  "tenant",
  "nonce",
  "expired",
] as const;
export type IdTokenFault = (typeof ID_TOKEN_FAULTS)[number];

/** Tenants that are not one tenant: their configuration's issuer is the `{tenantid}` template. */
const MULTI_TENANT = new Set(["common", "organizations", "consumers"]);

/** The tenant id (GUID) the sandbox answers for a tenant path segment: a GUID as given, a name by hash. */
export function sandboxTenantId(tenant: string): string {
  const name = tenant.toLowerCase();
  if (isGuid(name)) return name;
  return guidFrom(`tenant:${MULTI_TENANT.has(name) ? "sandbox" : name}`);
}

export interface SignInResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  /** Or an HTML page. */
  html?: string;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function newKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  // A thumbprint-like id, as Entra's `kid`s look.
  const kid = createHash("sha1")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("base64url");
  return { kid, privateKey, publicKey };
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  scopes: ReadonlySet<string>;
  nonce: string | undefined;
  challenge: string | undefined;
  challengeMethod: "S256" | "plain" | undefined;
  userId: string;
  tenantId: string;
  expiresAt: number;
  redeemed: boolean;
}

const CODE_LIFETIME_MS = 10 * 60_000;
const ID_TOKEN_LIFETIME_SECONDS = 3600;

export type CodeRedemption =
  | { ok: true; idToken: string | undefined; scope: string }
  | { ok: false; error: string; code: number; description: string };

export class SandboxSignIn {
  private readonly keys: SigningKey[] = [newKey()];
  private readonly codes = new Map<string, IssuedCode>();
  private nextFault: IdTokenFault | undefined;

  constructor(
    private readonly tenant: SandboxTenant,
    private readonly now: () => number,
    /** The sandbox's own URL, once it listens: the authority of its issuer and endpoints. */
    private readonly baseUrl: () => string,
  ) {}

  private get signingKey(): SigningKey {
    return this.keys[0]!;
  }

  /** A new signing key; the old ones stay published (Entra publishes more than one at a time). */
  rotateKeys(): string {
    this.keys.unshift(newKey());
    return this.signingKey.kid;
  }

  /** The next ID token issued is wrong in this way; one token only. */
  failNextIdToken(fault: IdTokenFault): void {
    this.nextFault = fault;
  }

  /** `GET /{tenant}/v2.0/.well-known/openid-configuration`: the sign-in part of it. */
  configuration(tenant: string) {
    const baseUrl = this.baseUrl();
    const issuerTenant = MULTI_TENANT.has(tenant.toLowerCase()) ? "{tenantid}" : sandboxTenantId(tenant);
    return {
      issuer: `${baseUrl}/${issuerTenant}/v2.0`,
      authorization_endpoint: `${baseUrl}/${tenant}/oauth2/v2.0/authorize`,
      jwks_uri: `${baseUrl}/${tenant}/discovery/v2.0/keys`,
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      response_modes_supported: ["query", "fragment", "form_post"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      claims_supported: [
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "nbf",
        "name",
        "nonce",
        "oid",
        "preferred_username",
        "tid",
        "ver",
      ],
    };
  }

  /** `GET /{tenant}/discovery/v2.0/keys`. */
  keysDocument() {
    const baseUrl = this.baseUrl();
    return {
      keys: this.keys.map(({ kid, publicKey }) => {
        const jwk = publicKey.export({ format: "jwk" });
        return { kty: "RSA", use: "sig", kid, n: jwk.n, e: jwk.e, issuer: `${baseUrl}/{tenantid}/v2.0` };
      }),
    };
  }

  /** `GET /{tenant}/oauth2/v2.0/authorize`. */
  authorize(tenant: string, query: URLSearchParams, selfUrl: string): SignInResponse {
    const clientId = query.get("client_id");
    const redirectUri = query.get("redirect_uri");
    // Without a client and a redirect URI it trusts, Entra shows its own error page: it never
    // sends a browser to an address the app did not register.
    if (!clientId)
      return errorPage(900144, "The request body must contain the following parameter: 'client_id'.");
    if (!redirectUri || !isAbsoluteUrl(redirectUri)) {
      return errorPage(900144, "The request body must contain the following parameter: 'redirect_uri'.");
    }
    const registered = this.tenant.application.redirectUris;
    if (registered.length > 0 && !registered.includes(redirectUri)) {
      return errorPage(
        50011,
        `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
      );
    }
    const state = query.get("state") ?? undefined;
    const back = (params: Record<string, string>): SignInResponse =>
      redirect(redirectUri, { ...params, ...(state === undefined ? {} : { state }) });
    const invalid = (code: number, description: string) =>
      back({ error: "invalid_request", error_description: `AADSTS${code}: ${description}` });

    const responseTypes = new Set((query.get("response_type") ?? "").split(" ").filter(Boolean));
    if (!responseTypes.has("code") || responseTypes.size !== 1) {
      return back({
        error: "unsupported_response_type",
        error_description: "AADSTS700054: The sandbox answers response_type=code only.",
      });
    }
    const mode = query.get("response_mode") ?? "query";
    if (mode !== "query") return invalid(900144, "The sandbox answers response_mode=query only.");
    const scopes = new Set((query.get("scope") ?? "").split(" ").filter(Boolean));
    if (scopes.size === 0)
      return invalid(900144, "The request body must contain the following parameter: 'scope'.");
    const challenge = query.get("code_challenge") ?? undefined;
    const method = query.get("code_challenge_method") ?? undefined;
    if (method !== undefined && challenge === undefined) {
      return invalid(900144, "The request body must contain the following parameter: 'code_challenge'.");
    }
    if (method !== undefined && method !== "S256" && method !== "plain") {
      return invalid(50123, `The code_challenge_method '${method}' is not supported.`);
    }
    if (query.get("prompt") === "none") {
      return back({
        error: "login_required",
        error_description: "AADSTS50058: There is no signed-in user in the sandbox.",
      });
    }
    if (query.get("deny") === "1") {
      return back({
        error: "access_denied",
        error_description: "AADSTS65004: User declined to consent to access the app.",
      });
    }

    const hint = query.get("login_hint");
    const user = hint ? (this.tenant.find(hint) ?? this.tenant.usersByMail(hint)[0]) : undefined;
    if (!user) return { status: 200, headers: {}, html: this.pickerPage(query, selfUrl, hint) };
    if (!user.accountEnabled) return errorPage(50057, "The user account is disabled.");

    const code = randomBytes(32).toString("base64url");
    this.codes.set(code, {
      clientId,
      redirectUri,
      scopes,
      nonce: query.get("nonce") ?? undefined,
      challenge,
      // "If excluded, code_challenge is assumed to be plaintext if code_challenge is included."
      challengeMethod: challenge === undefined ? undefined : method === "S256" ? "S256" : "plain",
      userId: user.id,
      tenantId: sandboxTenantId(tenant),
      expiresAt: this.now() + CODE_LIFETIME_MS,
      redeemed: false,
    });
    return back({ code });
  }

  /**
   * The `authorization_code` grant, once the token endpoint has checked the client's credential.
   * RFC 6749 §4.1.3 and §5.2: the code must be this client's, for this redirect URI, unexpired and
   * unused; RFC 7636 §4.6: the verifier must match the challenge.
   */
  redeem(form: URLSearchParams): CodeRedemption {
    const fail = (error: string, code: number, description: string): CodeRedemption => ({
      ok: false,
      error,
      code,
      description,
    });
    if (!form.get("code"))
      return fail(
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'code'.",
      );
    const issued = this.codes.get(form.get("code") ?? "");
    if (!issued || issued.clientId !== form.get("client_id")) {
      return fail(
        "invalid_grant",
        9002313,
        "Invalid request. Request is malformed or invalid. The provided value for the 'code' parameter is not valid.",
      );
    }
    if (issued.redeemed) {
      return fail(
        "invalid_grant",
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
      );
    }
    if (this.now() >= issued.expiresAt) {
      return fail(
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
      );
    }
    if (form.get("redirect_uri") !== issued.redirectUri) {
      return fail(
        "invalid_grant",
        50011,
        "The redirect URI specified in the request does not match the redirect URI used to acquire the authorization code.",
      );
    }
    if (issued.challenge !== undefined) {
      const verifier = form.get("code_verifier") ?? "";
      const answer = issued.challengeMethod === "S256" ? s256Challenge(verifier) : verifier;
      if (!verifier || answer !== issued.challenge) {
        return fail(
          "invalid_grant",
          501481,
          "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        );
      }
    }
    issued.redeemed = true;
    const user = this.tenant.find(issued.userId);
    if (!user) return fail("invalid_grant", 50034, "The user account does not exist in the directory.");
    const scope = [...issued.scopes].join(" ");
    return {
      ok: true,
      idToken: issued.scopes.has("openid") ? this.idToken(issued, user) : undefined,
      scope,
    };
  }

  private idToken(issued: IssuedCode, user: TenantUser): string {
    const fault = this.nextFault;
    this.nextFault = undefined;
    const now = Math.floor(this.now() / 1000);
    const tid = fault === "tenant" ? randomUUID() : issued.tenantId;
    const issuedAt = fault === "expired" ? now - 2 * ID_TOKEN_LIFETIME_SECONDS : now;
    const profile = issued.scopes.has("profile");
    const claims = {
      aud: fault === "audience" ? randomUUID() : issued.clientId,
      iss: fault === "issuer" ? `https://login.invalid/${tid}/v2.0` : `${this.baseUrl()}/${tid}/v2.0`,
      iat: issuedAt,
      nbf: issuedAt,
      exp: issuedAt + ID_TOKEN_LIFETIME_SECONDS,
      ...(profile
        ? { name: user.displayName, oid: user.id, preferred_username: user.userPrincipalName }
        : {}),
      ...(issued.nonce === undefined ? {} : { nonce: fault === "nonce" ? randomUUID() : issued.nonce }),
      // Pairwise: the same user gets another `sub` in another app.
      sub: createHash("sha256")
        .update(`${user.id}:${issued.clientId}:${tid}`)
        .digest("base64url")
        .slice(0, 43),
      tid,
      uti: randomBytes(16).toString("base64url"),
      ver: "2.0",
    };
    const foreign = fault === "foreign-key" || fault === "unknown-kid" ? newKey() : undefined;
    const kid = fault === "unknown-kid" ? foreign!.kid : this.signingKey.kid;
    return signRs256({ kid }, claims, (foreign ?? this.signingKey).privateKey);
  }

  /** The page a person picks a seeded user on (the sandbox has no passwords). */
  private pickerPage(query: URLSearchParams, selfUrl: string, hint: string | null): string {
    const withParams = (extra: Record<string, string>) => {
      const url = new URL(selfUrl);
      for (const [k, v] of query) if (k !== "login_hint" && k !== "deny") url.searchParams.set(k, v);
      for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
      return escapeHtml(url.pathname + url.search);
    };
    const users = this.tenant.allUsers().filter((u) => u.accountEnabled);
    const listed = users.slice(0, 50);
    const items = listed
      .map(
        (u) =>
          `<li><a href="${withParams({ login_hint: u.userPrincipalName })}">${escapeHtml(u.displayName)}</a> — ${escapeHtml(u.userPrincipalName)}</li>`,
      )
      .join("\n");
    const hidden = [...query]
      .filter(([k]) => k !== "login_hint" && k !== "deny")
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join("");
    const notFound = hint ? `<p>No user <code>${escapeHtml(hint)}</code> in this tenant.</p>` : "";
    return htmlPage(
      "Sign in to the sandbox tenant",
      `${notFound}<p>This is mfa-bot's local sandbox: pick who signs in (there are no passwords).</p>
<ul>
${items}
</ul>
${users.length > listed.length ? `<p>… and ${users.length - listed.length} more: type one.</p>` : ""}
<form method="get" action="${escapeHtml(new URL(selfUrl).pathname)}">${hidden}<label>User principal name <input name="login_hint"></label> <button>Sign in</button></form>
<p><a href="${withParams({ deny: "1" })}">Cancel</a></p>`,
    );
  }
}

/** The admin route's body: `{"fault": …}`. */
export const idTokenFaultBody = z.strictObject({ fault: z.enum(ID_TOKEN_FAULTS) });

function isAbsoluteUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

function redirect(to: string, params: Record<string, string>): SignInResponse {
  const url = new URL(to);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { status: 302, headers: { Location: url.toString(), "Cache-Control": "no-store" } };
}

function errorPage(code: number, description: string): SignInResponse {
  return {
    status: 400,
    headers: {},
    html: htmlPage("Sign-in error", `<p><code>AADSTS${code}</code>: ${escapeHtml(description)}</p>`),
  };
}
