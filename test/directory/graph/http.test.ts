import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DirectoryError } from "../../../src/directory/errors.js";
import {
  ACCESS_TOKEN,
  captureLogs,
  GRAPH,
  graphError,
  LOGIN,
  makeDirectory,
  mockToken,
  TOKEN_PATH,
} from "./graph-fakes.js";

const REQUIREMENTS = "/beta/users/u1/authentication/requirements";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TOO_MANY = graphError("TooManyRequests", "Please retry again later.");

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe("every request", () => {
  it("carries a fresh client-request-id and logs one line without the query or the token", async () => {
    mockToken();
    const ids: string[] = [];
    nock(GRAPH)
      .get("/v1.0/users/alice@contoso.com")
      .query(true)
      .times(2)
      .reply(function () {
        ids.push(String(this.req.headers["client-request-id"]));
        return [
          200,
          { id: "u1", userPrincipalName: "alice@contoso.com", displayName: "Alice" },
          { "request-id": "graph-req-7" },
        ];
      });
    const logs = captureLogs();
    const { directory } = makeDirectory({ logger: logs.logger });
    await directory.getUser("alice@contoso.com");
    await directory.getUser("alice@contoso.com");
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(UUID);
    expect(ids[1]).toMatch(UUID);
    expect(ids[0]).not.toBe(ids[1]);
    const graphLines = logs.lines().filter((line) => line.msg === "graph request");
    expect(graphLines).toHaveLength(2);
    expect(graphLines[0]).toMatchObject({
      component: "graph",
      method: "GET",
      path: "/v1.0/users/alice@contoso.com",
      status: 200,
      clientRequestId: ids[0],
      requestId: "graph-req-7",
    });
    expect(typeof graphLines[0]!.ms).toBe("number");
    expect(logs.raw()).not.toContain("$select");
    expect(logs.raw()).not.toContain(ACCESS_TOKEN);
  });
});

describe("429 Too Many Requests", () => {
  it("waits Retry-After seconds, tells the owner, then succeeds", async () => {
    mockToken();
    nock(GRAPH).get(REQUIREMENTS).reply(429, TOO_MANY, { "Retry-After": "2" });
    nock(GRAPH).get(REQUIREMENTS).reply(200, { perUserMfaState: "enabled" });
    const throttles: number[] = [];
    const { directory, timing } = makeDirectory({ onThrottle: (ms) => throttles.push(ms) });
    expect(await directory.getMfaState("u1")).toBe("enabled");
    expect(throttles).toEqual([2000]);
    expect(timing.sleeps).toContain(2000);
  });

  it("reads Retry-After given as an HTTP date", async () => {
    const { directory, timing } = makeDirectory({ onThrottle: (ms) => throttles.push(ms) });
    const throttles: number[] = [];
    mockToken();
    nock(GRAPH)
      .get(REQUIREMENTS)
      .reply(429, TOO_MANY, { "Retry-After": new Date(timing.now() + 3000).toUTCString() });
    nock(GRAPH).get(REQUIREMENTS).reply(200, { perUserMfaState: "enabled" });
    expect(await directory.getMfaState("u1")).toBe("enabled");
    expect(throttles).toEqual([3000]);
  });

  it("backs off exponentially when the 429 has no Retry-After (Conditional Access policies)", async () => {
    mockToken();
    nock(GRAPH).get("/v1.0/identity/conditionalAccess/policies").times(2).reply(429, TOO_MANY);
    nock(GRAPH).get("/v1.0/identity/conditionalAccess/policies").reply(200, { value: [] });
    const throttles: number[] = [];
    const { directory } = makeDirectory({ onThrottle: (ms) => throttles.push(ms), backoffBaseMs: 100 });
    expect(await directory.caPolicies()).toEqual([]);
    expect(throttles).toHaveLength(2);
    expect(throttles[0]).toBeGreaterThanOrEqual(50);
    expect(throttles[1]).toBeGreaterThan(throttles[0]!);
  });

  it("gives up after maxRetries with kind throttled and the last Retry-After", async () => {
    mockToken();
    nock(GRAPH).get(REQUIREMENTS).times(3).reply(429, TOO_MANY, { "Retry-After": "7" });
    const throttles: number[] = [];
    const { directory } = makeDirectory({ maxRetries: 2, onThrottle: (ms) => throttles.push(ms) });
    const error = await directory.getMfaState("u1").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DirectoryError);
    expect(error).toMatchObject({ kind: "throttled", status: 429, retryAfterMs: 7000 });
    expect(throttles).toEqual([7000, 7000, 7000]);
  });

  it("makes every concurrent call wait, not only the throttled one (shared gate)", async () => {
    mockToken();
    nock(GRAPH).get(REQUIREMENTS).reply(429, TOO_MANY, { "Retry-After": "5" });
    nock(GRAPH).get(REQUIREMENTS).reply(200, { perUserMfaState: "enabled" });
    nock(GRAPH).get("/beta/users/u2/authentication/requirements").reply(200, { perUserMfaState: "disabled" });
    let second: Promise<string> | undefined;
    const { directory, timing } = makeDirectory({
      onThrottle: () => {
        // A second call starts while the first is still waiting out its 429.
        second = directory.getMfaState("u2");
      },
    });
    const first = await directory.getMfaState("u1");
    expect(first).toBe("enabled");
    expect(await second).toBe("disabled");
    // Both callers slept the full five seconds: the throttled one and the bystander.
    expect(timing.sleeps.filter((ms) => ms >= 5000)).toHaveLength(2);
  });
});

describe("transient failures", () => {
  it("retries a 503, honouring its Retry-After", async () => {
    mockToken();
    nock(GRAPH)
      .get(REQUIREMENTS)
      .reply(503, graphError("serviceNotAvailable", "busy"), { "Retry-After": "1" });
    nock(GRAPH).get(REQUIREMENTS).reply(200, { perUserMfaState: "enforced" });
    const throttles: number[] = [];
    const { directory, timing } = makeDirectory({ onThrottle: (ms) => throttles.push(ms) });
    expect(await directory.getMfaState("u1")).toBe("enforced");
    expect(timing.sleeps).toContain(1000);
    expect(throttles).toEqual([]);
  });

  it("retries 502 and 504 with backoff", async () => {
    mockToken();
    nock(GRAPH).get(REQUIREMENTS).reply(502, "bad gateway");
    nock(GRAPH).get(REQUIREMENTS).reply(504, "timeout");
    nock(GRAPH).get(REQUIREMENTS).reply(200, { perUserMfaState: "disabled" });
    const { directory } = makeDirectory();
    expect(await directory.getMfaState("u1")).toBe("disabled");
  });

  it("retries a network error, then succeeds", async () => {
    mockToken();
    nock(GRAPH).get(REQUIREMENTS).replyWithError("socket hang up");
    nock(GRAPH).get(REQUIREMENTS).reply(200, { perUserMfaState: "enabled" });
    const { directory } = makeDirectory();
    expect(await directory.getMfaState("u1")).toBe("enabled");
  });

  it("gives up on a persistent 503 with kind unavailable", async () => {
    mockToken();
    const scope = nock(GRAPH)
      .get(REQUIREMENTS)
      .times(3)
      .reply(503, graphError("serviceNotAvailable", "busy"));
    const { directory } = makeDirectory({ maxRetries: 2 });
    await expect(directory.getMfaState("u1")).rejects.toMatchObject({ kind: "unavailable", status: 503 });
    expect(scope.isDone()).toBe(true);
  });

  it("gives up on a persistent network error with kind unavailable", async () => {
    mockToken();
    nock(GRAPH).get(REQUIREMENTS).times(3).replyWithError("ECONNRESET");
    const { directory } = makeDirectory({ maxRetries: 2 });
    await expect(directory.getMfaState("u1")).rejects.toMatchObject({ kind: "unavailable" });
  });
});

describe("errors a person can act on", () => {
  it("403 names the permission the operation needs", async () => {
    mockToken();
    nock(GRAPH)
      .patch(REQUIREMENTS)
      .reply(
        403,
        graphError("Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
      );
    nock(GRAPH)
      .get(REQUIREMENTS)
      .reply(403, graphError("Authorization_RequestDenied", "Insufficient privileges."));
    const { directory } = makeDirectory();
    await expect(directory.setMfaState("u1", "enabled")).rejects.toMatchObject({
      kind: "forbidden",
      status: 403,
      graphCode: "Authorization_RequestDenied",
      userMessage: expect.stringMatching(
        /^the app lacks Policy\.ReadWrite\.AuthenticationMethod — grant it in Entra and give admin consent/,
      ),
    });
    await expect(directory.getMfaState("u1")).rejects.toMatchObject({
      userMessage: expect.stringMatching(/^the app lacks Policy\.Read\.All/),
    });
  });

  it("400 carries Graph's message", async () => {
    mockToken();
    nock(GRAPH)
      .patch(REQUIREMENTS, { perUserMfaState: "disabled" })
      .reply(400, graphError("badRequest", "Invalid value for perUserMfaState."));
    const { directory } = makeDirectory();
    await expect(directory.setMfaState("u1", "disabled")).rejects.toMatchObject({
      kind: "badRequest",
      userMessage: "Graph refused the request: Invalid value for perUserMfaState.",
    });
  });

  it("404 says there is no such user", async () => {
    mockToken();
    nock(GRAPH)
      .get(REQUIREMENTS)
      .reply(404, graphError("Request_ResourceNotFound", "Resource 'u1' does not exist."));
    const { directory } = makeDirectory();
    await expect(directory.getMfaState("u1")).rejects.toMatchObject({
      kind: "notFound",
      userMessage: "no such user",
    });
  });

  it("401 fetches a fresh token once, then reports kind auth", async () => {
    mockToken(1, 3599, "old");
    mockToken(1, 3599, "new");
    nock(GRAPH)
      .get(REQUIREMENTS)
      .matchHeader("authorization", "Bearer old")
      .reply(401, graphError("InvalidAuthenticationToken", "expired"));
    nock(GRAPH)
      .get(REQUIREMENTS)
      .matchHeader("authorization", "Bearer new")
      .reply(200, { perUserMfaState: "enabled" });
    const { directory } = makeDirectory();
    expect(await directory.getMfaState("u1")).toBe("enabled");

    nock(GRAPH).get(REQUIREMENTS).times(2).reply(401, graphError("InvalidAuthenticationToken", "revoked"));
    nock(LOGIN)
      .post(TOKEN_PATH)
      .reply(200, { token_type: "Bearer", expires_in: 3599, access_token: "newer" });
    await expect(directory.getMfaState("u1")).rejects.toMatchObject({ kind: "auth", status: 401 });
  });

  it("a token error surfaces as kind auth from any operation", async () => {
    nock(LOGIN).post(TOKEN_PATH).reply(401, {
      error: "invalid_client",
      error_description: "AADSTS7000222: The provided client secret keys for app '…' are expired.",
    });
    const { directory } = makeDirectory();
    await expect(directory.getMfaState("u1")).rejects.toMatchObject({
      kind: "auth",
      userMessage: expect.stringContaining("the client secret has expired"),
    });
  });
});
