import { constants, createHash, sign, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createGraphDirectory, isDirectoryError } from "../../src/directory/graph/index.js";
import { BOT_PERMISSIONS, defaultSeed, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/index.js";
import { makeTestCertificate } from "../helpers/test-certificate.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();
const scope = "https://graph.microsoft.com/.default";
const registered = makeTestCertificate("registered");
const stranger = makeTestCertificate("stranger");
const TENANT = "contoso.onmicrosoft.com";
const CLIENT_ID = "7d1c3a0e-0000-4000-8000-00000000b07a";

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const x5t = (pem: string) => createHash("sha1").update(new X509Certificate(pem).raw).digest("base64url");

/** The bot's own Graph client, signing in to the sandbox with `certificate`. */
function directoryWith(url: string, certificate: typeof registered) {
  return createGraphDirectory({
    graphBaseUrl: url,
    authorityHost: url,
    tenantId: TENANT,
    clientId: CLIENT_ID,
    certificate,
    maxRetries: 0,
  });
}

/** An assertion built by hand, so that each claim can be made wrong on purpose. */
function assertion(
  tokenUrl: string,
  overrides: { claims?: Record<string, unknown>; signWith?: string; x5tOf?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "RS256", typ: "JWT", x5t: x5t(overrides.x5tOf ?? registered.certificatePem) };
  const claims = {
    aud: tokenUrl,
    iss: CLIENT_ID,
    sub: CLIENT_ID,
    jti: "5b1e4b54-0000-4000-8000-000000000001",
    nbf: now,
    exp: now + 600,
    ...overrides.claims,
  };
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = sign("sha256", Buffer.from(input), overrides.signWith ?? registered.privateKeyPem);
  return `${input}.${signature.toString("base64url")}`;
}

/**
 * The app registration in the seed: its certificate (the token endpoint checks client
 * assertions against it, per https://learn.microsoft.com/entra/identity-platform/certificate-credentials)
 * and the application permissions tokens carry (Graph answers 403 without them).
 */
describe("the app registration the sandbox's seed holds", () => {
  const seed = {
    ...defaultSeed(),
    application: { permissions: [...BOT_PERMISSIONS], certificates: [registered.certificatePem] },
  };

  async function tokenWith(overrides: Parameters<typeof assertion>[1]) {
    const client = await start({ seed });
    const tokenPath = `/${TENANT}/oauth2/v2.0/token`;
    return client.form(tokenPath, {
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion(`${client.url}${tokenPath}`, overrides),
      scope,
    });
  }

  it("accepts the bot's own assertion, RS256 with x5t or PS256 with x5t#S256", async () => {
    const client = await start({ seed });
    const directory = directoryWith(client.url, registered);
    expect(await directory.getMfaState(SANDBOX_SAMPLE_USERS.severalMethods.id)).toBe("enforced");

    const tokenUrl = `${client.url}/${TENANT}/oauth2/v2.0/token`;
    const now = Math.floor(Date.now() / 1000);
    const der = new X509Certificate(registered.certificatePem).raw;
    const header = {
      alg: "PS256",
      typ: "JWT",
      "x5t#S256": createHash("sha256").update(der).digest("base64url"),
    };
    const claims = {
      aud: tokenUrl,
      iss: CLIENT_ID,
      sub: CLIENT_ID,
      jti: "j-ps256",
      nbf: now,
      exp: now + 600,
    };
    const input = `${b64(header)}.${b64(claims)}`;
    const signature = sign("sha256", Buffer.from(input), {
      key: registered.privateKeyPem,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
    const reply = await client.form(`/${TENANT}/oauth2/v2.0/token`, {
      grant_type: "client_credentials",
      client_id: CLIENT_ID,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: `${input}.${signature.toString("base64url")}`,
      scope,
    });
    expect(reply.status).toBe(200);
  });

  it.each([
    ["a bad signature", { signWith: stranger.privateKeyPem }, 700027, /invalid signature/],
    [
      "a certificate not registered on the app",
      { signWith: stranger.privateKeyPem, x5tOf: stranger.certificatePem },
      700027,
      /not registered/,
    ],
    [
      "the wrong audience",
      { claims: { aud: "https://login.microsoftonline.com/common/oauth2/v2.0/token" } },
      700023,
      /audience/,
    ],
    [
      "an expired assertion",
      { claims: { nbf: 1_600_000_000, exp: 1_600_000_600 } },
      700024,
      /valid time range/,
    ],
    [
      "another app's id",
      { claims: { iss: "someone-else", sub: "someone-else" } },
      700021,
      /application identifier/,
    ],
  ] as const)("refuses an assertion with %s", async (_what, overrides, code, wording) => {
    const reply = await tokenWith(overrides);
    expect(reply.status).toBe(401);
    expect(reply.body.error).toBe("invalid_client");
    expect(reply.body.error_codes).toEqual([code]);
    expect(reply.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(reply.body.error_description).toMatch(wording);
  });

  it("tells the operator what a refused certificate means", async () => {
    const client = await start({ seed });
    const directory = directoryWith(client.url, stranger);
    const error = await directory
      .getMfaState(SANDBOX_SAMPLE_USERS.severalMethods.id)
      .catch((e: unknown) => e);
    expect(isDirectoryError(error, "auth")).toBe(true);
    if (isDirectoryError(error))
      expect(error.userMessage).toMatch(/certificate is not registered on the app/);
  });

  it("issues tokens with only the permissions granted: Graph answers 403 Authorization_RequestDenied for the rest", async () => {
    const client = await start({
      seed: { ...defaultSeed(), application: { permissions: ["User.Read.All", "Policy.Read.All"] } },
    });
    const user = SANDBOX_SAMPLE_USERS.disabledUnregistered.id;
    expect((await client.get(`/beta/users/${user}/authentication/requirements`)).status).toBe(200);
    const write = await client.graph("PATCH", `/beta/users/${user}/authentication/requirements`, {
      body: { perUserMfaState: "enabled" },
    });
    expect(write.status).toBe(403);
    expect(write.body.error).toMatchObject({
      code: "Authorization_RequestDenied",
      message: "Insufficient privileges to complete the operation.",
    });
    expect(client.sandbox.tenant.user(user)?.perUserMfaState).toBe("disabled");
    const methods = await client.get(`/v1.0/users/${user}/authentication/methods`);
    expect(methods.status).toBe(403);
    // Inside a $batch each item is checked on its own.
    const batch = await client.batch("beta", [
      { id: "read", method: "GET", url: `/users/${user}/authentication/requirements` },
      {
        id: "write",
        method: "PATCH",
        url: `/users/${user}/authentication/requirements`,
        headers: { "Content-Type": "application/json" },
        body: { perUserMfaState: "enabled" },
      },
    ]);
    const status = Object.fromEntries(
      batch.body.responses.map((r: { id: string; status: number }) => [r.id, r.status]),
    );
    expect(status).toEqual({ read: 200, write: 403 });
    expect(client.sandbox.stats.forbidden).toBe(3);
  });

  it("shows directory roles with their id only to an app that may not read roles", async () => {
    const client = await start({
      seed: { ...defaultSeed(), application: { permissions: ["User.Read.All"] } },
    });
    const reply = await client.graph(
      "GET",
      `/v1.0/users/${SANDBOX_SAMPLE_USERS.excludedByRole.id}/transitiveMemberOf/microsoft.graph.directoryRole`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.value).toEqual([
      { "@odata.type": "#microsoft.graph.directoryRole", id: expect.any(String) },
    ]);
  });
});
