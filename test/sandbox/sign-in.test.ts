import { createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BOT_PERMISSIONS, defaultSeed, SANDBOX_ACCOUNTS, sandboxTenantId } from "../../src/sandbox/index.js";
import { pageText } from "../../src/sandbox/sign-in-browser.js";
import { redeemCode } from "../../src/signin/code-redemption.js";
import { decodeJwt, verifiesRs256 } from "../../src/signin/jwt.js";
import { s256Challenge } from "../../src/signin/pkce.js";
import { makeTestCertificate } from "../helpers/test-certificate.js";
import { type SandboxClient, useSandboxes } from "./helpers.js";

/**
 * The sandbox's user sign-in against what Microsoft documents: the authorize endpoint and the
 * code redemption of https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow,
 * the ID token claims of https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference,
 * and the configuration and keys of https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc.
 */

const start = useSandboxes();
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "6e2b1f44-3c1a-4f0e-9a51-4c8d2b7e9f10";
const REDIRECT = "https://mfa-bot.contoso.example/auth/callback";
const VERIFIER = "a-verifier-that-is-long-enough-to-be-a-pkce-verifier-0123";
const MANAGER = SANDBOX_ACCOUNTS.manager.userPrincipalName;

function authorizeUrl(
  client: SandboxClient,
  params: Record<string, string | undefined> = {},
  tenant = TENANT,
) {
  const url = new URL(`${client.url}/${tenant}/oauth2/v2.0/authorize`);
  const all: Record<string, string | undefined> = {
    client_id: CLIENT,
    response_type: "code",
    redirect_uri: REDIRECT,
    response_mode: "query",
    scope: "openid profile",
    state: "st-123",
    nonce: "n-456",
    code_challenge: s256Challenge(VERIFIER),
    code_challenge_method: "S256",
    login_hint: MANAGER,
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

async function authorize(
  client: SandboxClient,
  params: Record<string, string | undefined> = {},
  tenant?: string,
) {
  const res = await fetch(authorizeUrl(client, params, tenant), { redirect: "manual" });
  const location = res.headers.get("location");
  return {
    status: res.status,
    text: pageText(await res.text()),
    location: location ? new URL(location) : undefined,
  };
}

async function code(client: SandboxClient, params: Record<string, string | undefined> = {}): Promise<string> {
  const answer = await authorize(client, params);
  const issued = answer.location?.searchParams.get("code");
  if (!issued) throw new Error(`no code: ${answer.status} ${answer.text} ${answer.location}`);
  return issued;
}

function redeem(client: SandboxClient, fields: Record<string, string | undefined>, tenant = TENANT) {
  const form: Record<string, string> = {};
  const all: Record<string, string | undefined> = {
    grant_type: "authorization_code",
    client_id: CLIENT,
    client_secret: "any-secret",
    redirect_uri: REDIRECT,
    code_verifier: VERIFIER,
    ...fields,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) form[k] = v;
  return client.form(`/${tenant}/oauth2/v2.0/token`, form);
}

describe("the OpenID configuration and the keys", () => {
  it("names the tenant's GUID as the issuer, even when asked by domain, and the {tenantid} template for common", async () => {
    const client = await start();
    const get = async (tenant: string) =>
      (await fetch(`${client.url}/${tenant}/v2.0/.well-known/openid-configuration`)).json() as Promise<
        Record<string, unknown>
      >;
    expect(await get(TENANT)).toMatchObject({
      issuer: `${client.url}/${TENANT}/v2.0`,
      authorization_endpoint: `${client.url}/${TENANT}/oauth2/v2.0/authorize`,
      token_endpoint: `${client.url}/${TENANT}/oauth2/v2.0/token`,
      jwks_uri: `${client.url}/${TENANT}/discovery/v2.0/keys`,
      id_token_signing_alg_values_supported: ["RS256"],
    });
    expect((await get("contoso.com")).issuer).toBe(`${client.url}/${sandboxTenantId("contoso.com")}/v2.0`);
    expect(sandboxTenantId("contoso.com")).toMatch(/^[0-9a-f-]{36}$/);
    expect((await get("common")).issuer).toBe(`${client.url}/{tenantid}/v2.0`);
  });

  it("signs ID tokens with a published RS256 key, and keeps the old key published after a rotation", async () => {
    const client = await start();
    const keys = async () =>
      (
        (await (await fetch(`${client.url}/${TENANT}/discovery/v2.0/keys`)).json()) as {
          keys: Array<Record<string, string>>;
        }
      ).keys;
    const before = await keys();
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({
      kty: "RSA",
      use: "sig",
      e: "AQAB",
      issuer: `${client.url}/{tenantid}/v2.0`,
    });
    const token = (await redeem(client, { code: await code(client) })).body.id_token as string;
    const jwt = decodeJwt(token)!;
    expect(jwt.header).toMatchObject({ alg: "RS256", typ: "JWT", kid: before[0]!.kid });
    const publicKey = createPublicKey({
      key: { kty: "RSA", n: before[0]!.n, e: before[0]!.e },
      format: "jwk",
    });
    expect(verifiesRs256(jwt, publicKey)).toBe(true);

    const rotated = await fetch(`${client.url}/_sandbox/sign-in/rotate-keys`, { method: "POST" });
    const { kid } = (await rotated.json()) as { kid: string };
    expect((await keys()).map((k) => k.kid)).toEqual([kid, before[0]!.kid]);
    const next = (await redeem(client, { code: await code(client) })).body.id_token as string;
    expect(decodeJwt(next)!.header.kid).toBe(kid);
  });
});

describe("the authorize endpoint", () => {
  it("signs the login_hint's user in at once, back to the redirect URI with the code and the state", async () => {
    const client = await start();
    const answer = await authorize(client);
    expect(answer.status).toBe(302);
    expect(`${answer.location!.origin}${answer.location!.pathname}`).toBe(REDIRECT);
    expect(answer.location!.searchParams.get("state")).toBe("st-123");
    expect(answer.location!.searchParams.get("code")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("shows a page of the tenant's users to pick from without a login_hint, and says when the hint names nobody", async () => {
    const client = await start();
    const page = await authorize(client, { login_hint: undefined });
    expect(page.status).toBe(200);
    expect(page.text).toContain("Sign in to the sandbox tenant");
    expect(page.text).toContain(MANAGER);
    const res = await fetch(authorizeUrl(client, { login_hint: undefined }));
    const html = await res.text();
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    // Each user is a link to the same request with their login_hint.
    expect(html).toContain(`login_hint=${encodeURIComponent(MANAGER)}`);
    const nobody = await authorize(client, { login_hint: "nobody@contoso.com" });
    expect(nobody.status).toBe(200);
    expect(nobody.text).toContain("No user nobody@contoso.com in this tenant.");
  });

  it("never redirects to a redirect URI the app did not register, nor without a client", async () => {
    const client = await start({
      seed: {
        ...defaultSeed(),
        application: { permissions: [...BOT_PERMISSIONS], redirectUris: [REDIRECT] },
      },
    });
    const elsewhere = await authorize(client, { redirect_uri: "https://attacker.example/cb" });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.location).toBeUndefined();
    expect(elsewhere.text).toContain(
      "AADSTS50011 : The redirect URI 'https://attacker.example/cb' specified in the request does not match the redirect URIs configured for the application",
    );
    expect((await authorize(client)).status).toBe(302);
    const noClient = await authorize(client, { client_id: undefined });
    expect(noClient.status).toBe(400);
    expect(noClient.text).toContain("'client_id'");
  });

  it("answers protocol errors at the redirect URI, with the state", async () => {
    const client = await start();
    const cases: Array<[Record<string, string | undefined>, string, RegExp]> = [
      [{ response_type: "token" }, "unsupported_response_type", /response_type=code/],
      [{ response_mode: "form_post" }, "invalid_request", /response_mode=query/],
      [{ code_challenge_method: "S512" }, "invalid_request", /S512/],
      [{ code_challenge: undefined }, "invalid_request", /code_challenge/],
      [{ scope: undefined }, "invalid_request", /'scope'/],
      [{ prompt: "none" }, "login_required", /AADSTS50058/],
      [{ deny: "1" }, "access_denied", /AADSTS65004/],
    ];
    for (const [params, error, description] of cases) {
      const answer = await authorize(client, params);
      expect(answer.status, error).toBe(302);
      expect(answer.location!.searchParams.get("error"), JSON.stringify(params)).toBe(error);
      expect(answer.location!.searchParams.get("error_description")).toMatch(description);
      expect(answer.location!.searchParams.get("state")).toBe("st-123");
      expect(answer.location!.searchParams.get("code")).toBeNull();
    }
  });

  it("does not sign in a disabled account", async () => {
    const client = await start();
    client.sandbox.tenant.update(MANAGER, { accountEnabled: false });
    const answer = await authorize(client);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("AADSTS50057 : The user account is disabled.");
  });
});

describe("redeeming a code", () => {
  it("gives the signed-in user's ID token, with the documented claims", async () => {
    const client = await start();
    const reply = await redeem(client, { code: await code(client), scope: "openid profile" });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: "Bearer", scope: "openid profile" });
    const { claims } = decodeJwt(reply.body.id_token)!;
    const manager = client.sandbox.tenant.user(MANAGER)!;
    expect(claims).toMatchObject({
      aud: CLIENT,
      iss: `${client.url}/${TENANT}/v2.0`,
      tid: TENANT,
      oid: manager.id,
      preferred_username: MANAGER,
      name: manager.displayName,
      nonce: "n-456",
      ver: "2.0",
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    // The access token is a user's: no application permission reaches Graph with it.
    const users = await fetch(`${client.url}/v1.0/users`, {
      headers: { authorization: `Bearer ${reply.body.access_token}` },
    });
    expect(users.status).toBe(403);
  });

  it("leaves out oid, name and preferred_username without the profile scope, and the ID token without openid", async () => {
    const client = await start();
    const openidOnly = await redeem(client, { code: await code(client, { scope: "openid" }) });
    const { claims } = decodeJwt(openidOnly.body.id_token)!;
    expect(claims.oid).toBeUndefined();
    expect(claims.preferred_username).toBeUndefined();
    expect(claims.sub).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const noOpenId = await redeem(client, { code: await code(client, { scope: "offline_access" }) });
    expect(noOpenId.status).toBe(200);
    expect(noOpenId.body.id_token).toBeUndefined();
  });

  it("redeems a code once", async () => {
    const client = await start();
    const issued = await code(client);
    expect((await redeem(client, { code: issued })).status).toBe(200);
    const again = await redeem(client, { code: issued });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe("invalid_grant");
    expect(again.body.error_description).toMatch(
      /^AADSTS54005: OAuth2 Authorization code was already redeemed/,
    );
  });

  it("refuses a code after ten minutes", async () => {
    let now = 1_750_000_000_000;
    const client = await start({ now: () => now });
    const issued = await code(client);
    now += 10 * 60_000;
    const late = await redeem(client, { code: issued });
    expect(late.body.error).toBe("invalid_grant");
    expect(late.body.error_description).toMatch(/^AADSTS70008:/);
  });

  it("checks PKCE: S256 and plain, and a missing or wrong verifier", async () => {
    const client = await start();
    const wrong = await redeem(client, { code: await code(client), code_verifier: `${VERIFIER}x` });
    expect(wrong.body).toMatchObject({ error: "invalid_grant", error_codes: [501481] });
    const missing = await redeem(client, { code: await code(client), code_verifier: undefined });
    expect(missing.body.error_codes).toEqual([501481]);
    const plain = await code(client, { code_challenge: VERIFIER, code_challenge_method: "plain" });
    expect((await redeem(client, { code: plain })).status).toBe(200);
    // "If excluded, code_challenge is assumed to be plaintext."
    const assumedPlain = await code(client, { code_challenge: VERIFIER, code_challenge_method: undefined });
    expect((await redeem(client, { code: assumedPlain })).status).toBe(200);
  });

  it("wants the same redirect URI and client, and the client's credential", async () => {
    const client = await start();
    const otherRedirect = await redeem(client, {
      code: await code(client),
      redirect_uri: "https://elsewhere.example/cb",
    });
    expect(otherRedirect.body).toMatchObject({ error: "invalid_grant", error_codes: [50011] });
    const otherClient = await redeem(client, { code: await code(client), client_id: "someone-else" });
    expect(otherClient.body.error).toBe("invalid_grant");
    const noSecret = await redeem(client, { code: await code(client), client_secret: undefined });
    expect(noSecret.status).toBe(401);
    expect(noSecret.body).toMatchObject({ error: "invalid_client", error_codes: [7000218] });
  });

  it("takes the app's certificate, as the bot's code redemption sends it", async () => {
    const certificate = makeTestCertificate();
    const client = await start({
      seed: {
        ...defaultSeed(),
        application: { permissions: [...BOT_PERMISSIONS], certificates: [certificate.certificatePem] },
      },
    });
    const redeemWith = async (credential: Parameters<typeof redeemCode>[0]["credential"]) =>
      redeemCode({
        tokenUrl: `${client.url}/${TENANT}/oauth2/v2.0/token`,
        credential,
        code: await code(client),
        redirectUri: REDIRECT,
        codeVerifier: VERIFIER,
        fetch,
        nowMs: Date.now(),
      });
    const signed = await redeemWith({ clientId: CLIENT, certificate });
    expect(signed.ok).toBe(true);
    const stranger = makeTestCertificate("someone-else");
    const refused = await redeemWith({ clientId: CLIENT, certificate: stranger });
    expect(refused).toEqual({
      ok: false,
      reason: expect.stringMatching(/certificate is not registered on the app/),
    });
  });
});

describe("the admin route that spoils the next ID token", () => {
  it("takes a known fault only", async () => {
    const client = await start();
    const res = await fetch(`${client.url}/_sandbox/sign-in/next-id-token`, {
      method: "POST",
      body: JSON.stringify({ fault: "everything" }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/foreign-key, unknown-kid, audience/);
  });
});
