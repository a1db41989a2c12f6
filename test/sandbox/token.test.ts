import { describe, expect, it } from "vitest";
import type { CertificateCredential } from "../../src/directory/graph/index.js";
import { buildClientAssertion } from "../../src/directory/graph/token.js";
import { SANDBOX_ACCOUNTS } from "../../src/sandbox/index.js";
import { makeTestCertificate } from "../helpers/test-certificate.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();
const scope = "https://graph.microsoft.com/.default";
let made: CertificateCredential | undefined;
/** One openssl run for the file. */
const certificate = () => {
  made ??= makeTestCertificate();
  return made;
};

describe("sandbox token endpoint", () => {
  it("issues a client-credentials token for any tenant and client, and Graph accepts it", async () => {
    const client = await start();
    const reply = await client.form("/0f6d6e2a-0000-4000-8000-000000000001/oauth2/v2.0/token", {
      grant_type: "client_credentials",
      client_id: "any-app",
      client_secret: "whatever",
      scope,
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    expect(reply.body.access_token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    client.token = reply.body.access_token;
    const user = await client.get(`/v1.0/users/${SANDBOX_ACCOUNTS.admin.userPrincipalName}`);
    expect(user.status).toBe(200);
    expect(client.sandbox.stats.tokensIssued).toBe(1);
  });

  it("accepts a certificate client_assertion instead of a secret", async () => {
    const client = await start();
    const tokenPath = "/contoso.onmicrosoft.com/oauth2/v2.0/token";
    const reply = await client.form(tokenPath, {
      grant_type: "client_credentials",
      client_id: "app",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: buildClientAssertion({
        clientId: "app",
        tokenUrl: `${client.url}${tokenPath}`,
        certificate: certificate(),
        nowMs: Date.now(),
      }),
      scope,
    });
    expect(reply.status).toBe(200);
  });

  it.each([
    [{ client_id: "a", client_secret: "s", scope }, 400, "invalid_request", /'grant_type'/],
    [
      { grant_type: "password", client_id: "a", client_secret: "s", scope },
      400,
      "unsupported_grant_type",
      /AADSTS70003/,
    ],
    [
      { grant_type: "client_credentials", client_id: "a", client_secret: "s" },
      400,
      "invalid_request",
      /'scope'/,
    ],
    [
      { grant_type: "client_credentials", client_id: "a", client_secret: "s", scope: "User.Read" },
      400,
      "invalid_scope",
      /\/\.default/,
    ],
    [{ grant_type: "client_credentials", client_id: "a", scope }, 401, "invalid_client", /AADSTS7000216/],
    [{ grant_type: "client_credentials", client_secret: "s", scope }, 400, "invalid_request", /'client_id'/],
  ])("refuses a malformed form %# the way Entra does", async (fields, status, error, description) => {
    const client = await start();
    const reply = await client.form("/sandbox/oauth2/v2.0/token", fields as Record<string, string>);
    expect(reply.status).toBe(status);
    expect(reply.body.error).toBe(error);
    expect(reply.body.error_description).toMatch(description);
    expect(client.sandbox.stats.tokensIssued).toBe(0);
  });

  it("publishes an OpenID configuration naming its token endpoint", async () => {
    const client = await start();
    const response = await fetch(`${client.url}/contoso/v2.0/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token_endpoint: string };
    expect(body.token_endpoint).toBe(`${client.url}/contoso/oauth2/v2.0/token`);
  });

  it("needs a form body, not JSON", async () => {
    const client = await start();
    const response = await fetch(`${client.url}/sandbox/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", client_id: "a", client_secret: "s", scope }),
    });
    expect(response.status).toBe(400);
  });
});

describe("sandbox Graph authentication", () => {
  it("answers 401 InvalidAuthenticationToken without a token", async () => {
    const client = await start();
    const reply = await client.graph("GET", `/v1.0/users/${SANDBOX_ACCOUNTS.admin.id}`, { auth: false });
    expect(reply.status).toBe(401);
    expect(reply.body.error.code).toBe("InvalidAuthenticationToken");
    expect(reply.body.error.message).toMatch(/empty/);
    expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(client.sandbox.stats.unauthorized).toBe(1);
  });

  it("answers 401 for a token it did not issue, also on beta and $batch", async () => {
    const client = await start();
    const headers = { Authorization: "Bearer not-issued-here" };
    for (const path of [
      "/beta/users/x/authentication/requirements",
      "/v1.0/identity/conditionalAccess/policies",
    ]) {
      const reply = await client.graph("GET", path, { auth: false, headers });
      expect(reply.status).toBe(401);
      expect(reply.body.error.code).toBe("InvalidAuthenticationToken");
    }
    const batch = await client.graph("POST", "/beta/$batch", {
      auth: false,
      headers,
      body: { requests: [{ id: "1", method: "GET", url: "/users/x" }] },
    });
    expect(batch.status).toBe(401);
  });

  it("expires tokens after expires_in seconds on its clock", async () => {
    let now = 1_700_000_000_000;
    const client = await start({ now: () => now, tokenLifetimeSeconds: 60 });
    await client.fetchToken();
    expect((await client.get(`/v1.0/users/${SANDBOX_ACCOUNTS.admin.id}`)).status).toBe(200);
    now += 60_000;
    const reply = await client.get(`/v1.0/users/${SANDBOX_ACCOUNTS.admin.id}`);
    expect(reply.status).toBe(401);
    expect(reply.body.error.message).toMatch(/expired/);
  });
});
