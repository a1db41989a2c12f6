import { isGuid } from "../core/ids.js";
import { decodeJwt, verifiesRs256 } from "./jwt.js";
import type { SigningKey } from "./tenant-keys.js";

/**
 * Checks the ID token a sign-in code was redeemed for, as the Microsoft identity platform asks a
 * web app to (https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens —
 * "Web apps must validate ID tokens … validate the signature of the token and the issuer against
 * the values in the OpenID discovery document"), with the claims the ID token reference defines
 * (https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference):
 * - signature: RS256 by a key the tenant publishes, chosen by `kid`
 *   (https://learn.microsoft.com/entra/identity-platform/signing-key-rollover);
 * - `aud`: this app's client id ("The token should be rejected if it fails to match");
 * - `tid`: a GUID, and the configured tenant's;
 * - `iss`: exactly the tenant configuration's issuer — `https://login.microsoftonline.com/{tid}/v2.0`
 *   on the global cloud, the authority host's own on others — with `{tenantid}` replaced by `tid`,
 *   and the signing key's own `issuer`, when the keys document gives one, the same;
 * - `nonce`: the one this sign-in sent ("If it doesn't match, your application should reject the token");
 * - `exp`, `nbf`, `iat`: around now, within a small clock skew;
 * - `oid`: the user's immutable object id, which is what gets linked — never `preferred_username`,
 *   which "can't be used to make authorization decisions".
 * Each refusal is a sentence a person can read on the sign-in result page.
 */

/** Clock skew allowed on exp/nbf/iat; Microsoft.IdentityModel's default (TokenValidationParameters.DefaultClockSkew). */
export const ID_TOKEN_SKEW_SECONDS = 300;

export interface IdTokenExpectations {
  /** AZURE_CLIENT_ID. */
  clientId: string;
  /** AZURE_TENANT_ID: a GUID, or a domain name (then the tenant is the one its issuer names). */
  tenant: string;
  /** The `nonce` this sign-in sent to the authorize endpoint. */
  nonce: string;
  nowMs: number;
  skewSeconds?: number;
}

/** Who signed in, from a checked ID token. */
export interface SignedInIdentity {
  /** `oid`: the Entra user's object id (Graph's `id`). */
  objectId: string;
  /** `tid`. */
  tenantId: string;
  /** `preferred_username`, for display only. */
  username?: string;
  /** `name`, for display only. */
  name?: string;
}

export type IdTokenCheck = { ok: true; identity: SignedInIdentity } | { ok: false; reason: string };

/** What the check needs of the tenant's keys (TenantKeys). */
export interface KeySource {
  issuer(): Promise<string>;
  key(kid: string): Promise<SigningKey | undefined>;
}

const TENANT_PLACEHOLDER = "{tenantid}";
const GUID_IN_ISSUER = /\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/v2\.0$/i;

const refuse = (reason: string): IdTokenCheck => ({ ok: false, reason });

export async function checkIdToken(
  token: string,
  keys: KeySource,
  expected: IdTokenExpectations,
): Promise<IdTokenCheck> {
  const jwt = decodeJwt(token);
  if (!jwt) return refuse("the sign-in answer did not hold an ID token");
  const { header, claims } = jwt;
  if (header.alg !== "RS256") {
    return refuse(`the ID token is signed with ${JSON.stringify(header.alg)}, not RS256 as Entra signs them`);
  }
  const kid = typeof header.kid === "string" ? header.kid : undefined;
  const key = kid ? await keys.key(kid) : undefined;
  if (!key) return refuse("the ID token is signed with a key your tenant does not publish");
  if (!verifiesRs256(jwt, key.key)) {
    return refuse("the ID token's signature does not match your tenant's published key");
  }

  if (!audienceIs(claims, expected.clientId)) {
    return refuse(`the ID token was issued to another application (aud ${JSON.stringify(claims.aud)})`);
  }
  const tid = typeof claims.tid === "string" ? claims.tid.toLowerCase() : "";
  if (!isGuid(tid)) return refuse("the ID token names no tenant (tid)");
  const issuerTemplate = await keys.issuer();
  const tenantId = isGuid(expected.tenant)
    ? expected.tenant.toLowerCase()
    : GUID_IN_ISSUER.exec(issuerTemplate)?.[1]?.toLowerCase();
  if (tenantId === undefined) {
    return refuse(
      `AZURE_TENANT_ID (${expected.tenant}) names no single tenant, so the sign-in cannot be checked against one`,
    );
  }
  if (tid !== tenantId) return refuse(`the ID token is from another tenant (${tid}), not ${tenantId}`);
  const issuer = issuerTemplate.replace(TENANT_PLACEHOLDER, tid);
  if (claims.iss !== issuer) {
    return refuse(`the ID token was issued by ${JSON.stringify(claims.iss)}, not by your tenant (${issuer})`);
  }
  if (key.issuer !== undefined && key.issuer.replace(TENANT_PLACEHOLDER, tid) !== issuer) {
    return refuse("the ID token is signed with a key your tenant publishes for another issuer");
  }
  if (typeof claims.nonce !== "string" || claims.nonce !== expected.nonce) {
    return refuse("the ID token does not answer this sign-in (its nonce is not the one sent)");
  }

  const now = Math.floor(expected.nowMs / 1000);
  const skew = expected.skewSeconds ?? ID_TOKEN_SKEW_SECONDS;
  const exp = numeric(claims.exp);
  const nbf = numeric(claims.nbf);
  const iat = numeric(claims.iat);
  if (exp === undefined || now >= exp + skew) return refuse("the ID token has expired");
  if ((nbf !== undefined && now < nbf - skew) || iat === undefined || iat > now + skew) {
    return refuse("the ID token is not valid yet (check this machine's clock)");
  }

  const oid = typeof claims.oid === "string" ? claims.oid.toLowerCase() : "";
  if (!isGuid(oid)) {
    return refuse("the ID token carries no object id (oid): the sign-in must ask for the profile scope");
  }
  return {
    ok: true,
    identity: {
      objectId: oid,
      tenantId: tid,
      ...(typeof claims.preferred_username === "string" ? { username: claims.preferred_username } : {}),
      ...(typeof claims.name === "string" ? { name: claims.name } : {}),
    },
  };
}

/**
 * `aud` is this client: a string, or (OpenID Connect Core §3.1.3.7) a list holding it, where
 * a list of several needs `azp` to be this client too.
 */
function audienceIs(claims: Record<string, unknown>, clientId: string): boolean {
  if (typeof claims.aud === "string") return claims.aud === clientId;
  if (!Array.isArray(claims.aud) || !claims.aud.includes(clientId)) return false;
  return claims.aud.length === 1 || claims.azp === clientId;
}

function numeric(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
