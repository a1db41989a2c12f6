import { execFileSync } from "node:child_process";
import { verify } from "node:crypto";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DirectoryError } from "../../../src/directory/errors.js";
import {
  type CertificateCredential,
  createTokenClient,
  graphScope,
  type TokenClientOptions,
  tokenErrorMessage,
} from "../../../src/directory/graph/token.js";
import { silentLogger } from "../../../src/log.js";
import { makeTestCertificate } from "../../helpers/test-certificate.js";
import {
  ACCESS_TOKEN,
  CLIENT_ID,
  captureLogs,
  fakeTiming,
  GRAPH,
  LOGIN,
  makeDirectory,
  mockToken,
  TENANT,
  TOKEN_PATH,
} from "./graph-fakes.js";

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function tokenClient(overrides: Partial<TokenClientOptions> = {}) {
  const timing = fakeTiming();
  const client = createTokenClient({
    authorityHost: LOGIN,
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecret: "s3cret~value",
    graphBaseUrl: GRAPH,
    fetch: (input, init) => fetch(input, init),
    timing,
    logger: silentLogger,
    maxRetries: 2,
    backoffBaseMs: 10,
    maxBackoffMs: 100,
    ...overrides,
  });
  return { client, timing };
}

describe("client-credentials token", () => {
  it("posts the client-credentials form with the secret and the Graph scope", async () => {
    let form: URLSearchParams | undefined;
    nock(LOGIN)
      .post(TOKEN_PATH, (body) => {
        form = new URLSearchParams(body as Record<string, string>);
        return true;
      })
      .matchHeader("content-type", /application\/x-www-form-urlencoded/)
      .reply(200, { token_type: "Bearer", expires_in: 3599, access_token: ACCESS_TOKEN });
    const { client } = tokenClient();
    expect(await client.getToken()).toBe(ACCESS_TOKEN);
    expect(Object.fromEntries(form!)).toEqual({
      client_id: CLIENT_ID,
      scope: "https://graph.test/.default",
      grant_type: "client_credentials",
      client_secret: "s3cret~value",
    });
  });

  it("caches the token: many Graph calls, one token request", async () => {
    const token = mockToken(1);
    nock(GRAPH)
      .get("/beta/users/u1/authentication/requirements")
      .times(3)
      .matchHeader("authorization", `Bearer ${ACCESS_TOKEN}`)
      .reply(200, { perUserMfaState: "disabled" });
    const { directory } = makeDirectory();
    for (let i = 0; i < 3; i++) expect(await directory.getMfaState("u1")).toBe("disabled");
    expect(token.isDone()).toBe(true);
  });

  it("makes concurrent callers share one token request (single flight)", async () => {
    let requests = 0;
    nock(LOGIN)
      .post(TOKEN_PATH)
      .times(5)
      .reply(() => {
        requests++;
        return [200, { token_type: "Bearer", expires_in: 3599, access_token: ACCESS_TOKEN }];
      });
    const { client } = tokenClient();
    const tokens = await Promise.all(Array.from({ length: 5 }, () => client.getToken()));
    expect(tokens).toEqual(Array(5).fill(ACCESS_TOKEN));
    expect(requests).toBe(1);
  });

  it("refreshes five minutes before expires_in runs out", async () => {
    mockToken(1, 3600, "first");
    mockToken(1, 3600, "second");
    const { client, timing } = tokenClient();
    expect(await client.getToken()).toBe("first");
    await timing.sleep((3600 - 300 - 1) * 1000);
    expect(await client.getToken()).toBe("first");
    await timing.sleep(2000);
    expect(await client.getToken()).toBe("second");
  });

  it("refreshes a short-lived token at half its life", async () => {
    mockToken(1, 300, "short");
    mockToken(1, 300, "next");
    const { client, timing } = tokenClient();
    expect(await client.getToken()).toBe("short");
    await timing.sleep(149_000);
    expect(await client.getToken()).toBe("short");
    await timing.sleep(2000);
    expect(await client.getToken()).toBe("next");
  });

  it("keeps using a still-valid token when its early refresh fails", async () => {
    mockToken(1, 3600, "first");
    nock(LOGIN).post(TOKEN_PATH).times(3).reply(503, "busy");
    const { client, timing } = tokenClient();
    await client.getToken();
    await timing.sleep(3400 * 1000);
    expect(await client.getToken()).toBe("first");
  });

  it("retries a token endpoint 503, then succeeds", async () => {
    nock(LOGIN).post(TOKEN_PATH).reply(503, "busy");
    mockToken(1);
    const { client } = tokenClient();
    expect(await client.getToken()).toBe(ACCESS_TOKEN);
  });

  it("turns AADSTS7000215 into a message a person can act on", async () => {
    nock(LOGIN)
      .post(TOKEN_PATH)
      .reply(401, {
        error: "invalid_client",
        error_description:
          "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '11111111-2222-3333-4444-555555555555'.\r\nTrace ID: abc\r\nCorrelation ID: def\r\nTimestamp: 2025-01-01 00:00:00Z",
        error_codes: [7000215],
      });
    const { client } = tokenClient();
    const error = await client.getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DirectoryError);
    expect(error).toMatchObject({ kind: "auth", status: 401, graphCode: "invalid_client" });
    const message = (error as DirectoryError).userMessage;
    expect(message).toMatch(/^the client secret is wrong or expired — AADSTS7000215: Invalid client secret/);
    expect(message).not.toContain("Trace ID");
  });

  it("names a wrong tenant id", async () => {
    nock(LOGIN).post(TOKEN_PATH).reply(400, {
      error: "invalid_request",
      error_description: "AADSTS90002: Tenant 'contoso-tenant' not found.\r\nTrace ID: x",
    });
    const { client } = tokenClient();
    await expect(client.getToken()).rejects.toMatchObject({
      kind: "auth",
      userMessage:
        "the tenant id is wrong (no such tenant) — AADSTS90002: Tenant 'contoso-tenant' not found.",
    });
  });

  it("reports an unreachable token endpoint as unavailable after bounded retries", async () => {
    nock(LOGIN).post(TOKEN_PATH).times(3).replyWithError("connect ECONNREFUSED");
    const { client } = tokenClient();
    await expect(client.getToken()).rejects.toMatchObject({ kind: "unavailable" });
  });

  it("works against an http authority on a local host", async () => {
    nock("http://127.0.0.1:4010")
      .post(TOKEN_PATH)
      .reply(200, { token_type: "Bearer", expires_in: 3599, access_token: "local" });
    const { client } = tokenClient({
      authorityHost: "http://127.0.0.1:4010/",
      graphBaseUrl: "http://127.0.0.1:4011",
    });
    expect(await client.getToken()).toBe("local");
  });

  it("never logs the token or the secret", async () => {
    mockToken(1);
    nock(GRAPH).get("/beta/users/u1/authentication/requirements").reply(200, { perUserMfaState: "enabled" });
    const logs = captureLogs();
    const { directory } = makeDirectory({ logger: logs.logger });
    await directory.getMfaState("u1");
    expect(logs.lines().length).toBeGreaterThanOrEqual(2);
    expect(logs.raw()).not.toContain(ACCESS_TOKEN);
    expect(logs.raw()).not.toContain("s3cret~value");
  });

  it("refuses to start without a secret or a certificate", () => {
    expect(() => makeDirectory({ clientSecret: undefined })).toThrow(/no client credential/);
  });

  it("hints for unknown errors without inventing a cause", () => {
    expect(tokenErrorMessage("unauthorized_client", "AADSTS1234567: Something new.")).toBe(
      "Entra refused the token request (unauthorized_client) — AADSTS1234567: Something new.",
    );
  });
});

describe("scope", () => {
  it("follows GRAPH_BASE_URL for national clouds and uses global Graph for a local http sandbox", () => {
    expect(graphScope("https://graph.microsoft.com")).toBe("https://graph.microsoft.com/.default");
    expect(graphScope("https://graph.microsoft.us/")).toBe("https://graph.microsoft.us/.default");
    expect(graphScope("https://microsoftgraph.chinacloudapi.cn")).toBe(
      "https://microsoftgraph.chinacloudapi.cn/.default",
    );
    expect(graphScope("http://127.0.0.1:4011")).toBe("https://graph.microsoft.com/.default");
  });
});

describe("certificate credential", () => {
  let certificate: CertificateCredential;
  let thumbprintBase64url: string;

  beforeAll(() => {
    certificate = makeTestCertificate();
    // The thumbprint from openssl itself, not from the code under test.
    const fingerprint = execFileSync("openssl", ["x509", "-noout", "-fingerprint", "-sha1"], {
      input: certificate.certificatePem,
    })
      .toString()
      .trim()
      .split("=")[1]!
      .replace(/:/g, "");
    thumbprintBase64url = Buffer.from(fingerprint, "hex").toString("base64url");
  });

  it("sends an RS256 client assertion that verifies with the certificate's public key", async () => {
    let form: URLSearchParams | undefined;
    nock(LOGIN)
      .post(TOKEN_PATH, (body) => {
        form = new URLSearchParams(body as Record<string, string>);
        return true;
      })
      .reply(200, { token_type: "Bearer", expires_in: 3599, access_token: "cert-token" });
    const { client, timing } = tokenClient({ clientSecret: undefined, certificate });
    expect(await client.getToken()).toBe("cert-token");

    expect(form!.get("client_secret")).toBeNull();
    expect(form!.get("client_assertion_type")).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    expect(form!.get("grant_type")).toBe("client_credentials");
    const [header, claims, signature] = form!.get("client_assertion")!.split(".");
    const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    expect(decode(header!)).toEqual({ alg: "RS256", typ: "JWT", x5t: thumbprintBase64url });
    const body = decode(claims!);
    const nowS = Math.floor(timing.now() / 1000);
    expect(body).toMatchObject({
      aud: `${LOGIN}${TOKEN_PATH}`,
      iss: CLIENT_ID,
      sub: CLIENT_ID,
      nbf: nowS,
    });
    expect(body.exp).toBeGreaterThan(nowS);
    expect(body.jti).toMatch(/^[0-9a-f-]{36}$/);
    const valid = verify(
      "sha256",
      Buffer.from(`${header}.${claims}`),
      certificate.certificatePem,
      Buffer.from(signature!, "base64url"),
    );
    expect(valid).toBe(true);
    const tampered = verify(
      "sha256",
      Buffer.from(`${header}.${claims}x`),
      certificate.certificatePem,
      Buffer.from(signature!, "base64url"),
    );
    expect(tampered).toBe(false);
  });

  it("uses a fresh jti for each token request", async () => {
    const jtis: string[] = [];
    nock(LOGIN)
      .post(TOKEN_PATH, (body) => {
        const assertion = new URLSearchParams(body as Record<string, string>).get("client_assertion")!;
        jtis.push(JSON.parse(Buffer.from(assertion.split(".")[1]!, "base64url").toString()).jti);
        return true;
      })
      .times(2)
      .reply(200, { token_type: "Bearer", expires_in: 120, access_token: "cert-token" });
    const { client, timing } = tokenClient({ clientSecret: undefined, certificate });
    await client.getToken();
    await timing.sleep(61_000);
    await client.getToken();
    expect(jtis).toHaveLength(2);
    expect(jtis[0]).not.toBe(jtis[1]);
  });
});
