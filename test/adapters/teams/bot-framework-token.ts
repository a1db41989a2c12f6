import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import nock from "nock";

/**
 * Bot Framework channel tokens made in the test with a generated RS256 key pair, and the
 * OpenID metadata + JWKS endpoints botbuilder fetches to verify them, intercepted with nock.
 */
export const BOT_FRAMEWORK_ISSUER = "https://api.botframework.com";
const METADATA_HOST = "https://login.botframework.com";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: { kty: string; n: string; e: string };
}

export function newSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" }) as { kty: string; n: string; e: string };
  return { kid, privateKey, jwk };
}

/** Publishes `keys` as the Bot Framework's signing keys, endorsed for Teams. */
export function interceptBotFrameworkMetadata(keys: SigningKey[]): void {
  nock(METADATA_HOST)
    .persist()
    .get("/v1/.well-known/openidconfiguration")
    .reply(200, {
      issuer: BOT_FRAMEWORK_ISSUER,
      authorization_endpoint: "https://invalid.botframework.com",
      jwks_uri: `${METADATA_HOST}/v1/.well-known/keys`,
      id_token_signing_alg_values_supported: ["RS256"],
      token_endpoint_auth_methods_supported: ["private_key_jwt"],
    })
    .get("/v1/.well-known/keys")
    .reply(200, {
      keys: keys.map((key) => ({ ...key.jwk, kid: key.kid, use: "sig", endorsements: ["msteams"] })),
    });
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString("base64url");

export function signToken(key: SigningKey, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "RS256", typ: "JWT", kid: key.kid, x5t: key.kid };
  const payload = { iss: BOT_FRAMEWORK_ISSUER, nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign("RSA-SHA256", Buffer.from(unsigned), key.privateKey);
  return `${unsigned}.${base64url(signature)}`;
}

/**
 * The bot's own outbound token (client credentials against the Bot Framework tenant), as
 * MSAL asks for it: authority metadata, then the token endpoint.
 */
export function interceptBotTokenEndpoint(accessToken: string): nock.Scope {
  const authority = "https://login.microsoftonline.com";
  return nock(authority)
    .persist()
    .get(/\/botframework\.com\/v2\.0\/\.well-known\/openid-configuration/)
    .reply(200, {
      token_endpoint: `${authority}/botframework.com/oauth2/v2.0/token`,
      issuer: `${authority}/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0`,
      authorization_endpoint: `${authority}/botframework.com/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/botframework.com/oauth2/v2.0/logout`,
      jwks_uri: `${authority}/botframework.com/discovery/v2.0/keys`,
    })
    .get(/\/common\/discovery\/instance/)
    .reply(200, {
      tenant_discovery_endpoint: `${authority}/botframework.com/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [
        {
          preferred_network: "login.microsoftonline.com",
          preferred_cache: "login.windows.net",
          aliases: [
            "login.microsoftonline.com",
            "login.windows.net",
            "login.microsoft.com",
            "sts.windows.net",
          ],
        },
      ],
    })
    .post(/\/botframework\.com\/oauth2\/v2\.0\/token/)
    .reply(200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
}
