import { describe, expect, it } from "vitest";
import { FlagError } from "../../src/cli/options.js";
import { parseSandboxArgs } from "../../src/cli/sandbox.js";
import { classify, readCost } from "../../src/sandbox/documented-limits.js";
import { generateSeed, SANDBOX_ACCOUNTS, scaleLimit, tenantSizeOf } from "../../src/sandbox/index.js";
import { useSandboxes } from "./helpers.js";

/**
 * `limits: "documented"`: each route class throttled with the numbers of
 * https://learn.microsoft.com/graph/throttling-limits, on a stepped clock.
 */

const start = useSandboxes();
const admin = SANDBOX_ACCOUNTS.admin.id;

function clock(at = 1_000_000) {
  const c = { now: at, fn: () => c.now };
  return c;
}

describe("documented limits: the numbers", () => {
  it("scales counts and windows together, keeping each rate, at least one request a bucket", () => {
    expect(scaleLimit({ count: 3_000, windowMs: 150_000 }, 0.1)).toEqual({ count: 300, windowMs: 15_000 });
    expect(scaleLimit({ count: 5, windowMs: 10_000 }, 0.1)).toEqual({ count: 1, windowMs: 2_000 });
    expect(scaleLimit({ count: 1, windowMs: 1_000 }, 0.1)).toEqual({ count: 1, windowMs: 1_000 });
  });

  it("picks the read column by tenant size and prices reads in resource units", () => {
    expect([tenantSizeOf(49), tenantSizeOf(50), tenantSizeOf(500), tenantSizeOf(501)]).toEqual([
      "S",
      "M",
      "M",
      "L",
    ]);
    const q = (s: string) => new URLSearchParams(s);
    expect(readCost("/users", q(""))).toBe(2);
    expect(readCost("/users", q("$select=id"))).toBe(1);
    expect(readCost("/users/{id}", q("$expand=manager"))).toBe(2);
    expect(readCost("/groups/{id}/transitiveMembers/microsoft.graph.user", q("$top=5"))).toBe(4);
    expect(readCost("/users/{id}", q("$select=id&$top=1"))).toBe(1);
  });

  it("classes routes: writes by method, reports, Conditional Access, methods reads either way", () => {
    const q = new URLSearchParams();
    expect(classify("PATCH", "/users/{id}/authentication/requirements", q, "identity").limit).toBe("writes");
    expect(classify("DELETE", "/users/{id}/authentication/{kind}/{methodId}", q, "identity").limit).toBe(
      "writes",
    );
    expect(
      classify("GET", "/reports/authenticationMethods/userRegistrationDetails", q, "identity").limit,
    ).toBe("reports");
    expect(classify("GET", "/identity/conditionalAccess/policies", q, "identity").limit).toBe(
      "conditionalAccess",
    );
    expect(classify("GET", "/users/{id}/authentication/methods", q, "identity").limit).toBe("reads");
    expect(classify("GET", "/users/{id}/authentication/methods", q, "reports").limit).toBe("reports");
  });
});

describe("documented limits over HTTP", () => {
  it("writes: a bucket of 3,000 per 150 s (here ×0.01: 30 per 1.5 s), refilled at 20/s, reads untouched", async () => {
    const c = clock();
    const client = await start({ limits: "documented", limitScale: 0.01, now: c.fn });
    await client.fetchToken();
    const patch = () =>
      client.graph("PATCH", `/beta/users/${admin}/authentication/requirements`, {
        body: { perUserMfaState: "enabled" },
      });
    for (let i = 0; i < 30; i++) expect((await patch()).status).toBe(204);
    const throttled = await patch();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(throttled.body.error.code).toBe("TooManyRequests");
    // Reads are a budget of their own.
    expect((await client.get(`/v1.0/users/${admin}`)).status).toBe(200);
    c.now += 50; // one write token at 20/s
    expect((await patch()).status).toBe(204);
    expect((await patch()).status).toBe(429);
    expect(client.sandbox.stats.snapshot().throttledByLimit).toEqual({ writes: 2 });
  });

  it("reads: resource units per 10 s by tenant size; listing users costs 2, $select 1", async () => {
    const c = clock();
    // The default seed is a small tenant: 3,500 RU per 10 s, ×0.01 = 35 per 100 ms.
    const client = await start({ limits: "documented", limitScale: 0.01, now: c.fn });
    await client.fetchToken();
    for (let i = 0; i < 17; i++) expect((await client.get("/v1.0/users")).status).toBe(200);
    expect((await client.get("/v1.0/users")).status).toBe(429); // 34 used, 1 left, needs 2
    expect((await client.get("/v1.0/users?$select=id")).status).toBe(200); // costs 1
    expect((await client.get(`/v1.0/users/${admin}`)).status).toBe(429);
    c.now += 100;
    expect((await client.get("/v1.0/users")).status).toBe(200);
  });

  it("reads: a tenant above 500 users gets 8,000 RU per 10 s", async () => {
    const c = clock();
    const seed = generateSeed({ users: 600 });
    const client = await start({ seed, limits: "documented", limitScale: 0.01, now: c.fn });
    await client.fetchToken();
    const id = seed.users[0]!.id;
    for (let i = 0; i < 80; i++) expect((await client.get(`/v1.0/users/${id}`)).status).toBe(200);
    expect((await client.get(`/v1.0/users/${id}`)).status).toBe(429);
  });

  it("reports: 5 requests per 10 s whatever the route's cost; the methods list counts only when told", async () => {
    const c = clock();
    const client = await start({ limits: "documented", now: c.fn });
    await client.fetchToken();
    const report = (path = "") =>
      client.get(`/v1.0/reports/authenticationMethods/userRegistrationDetails${path}`);
    for (let i = 0; i < 4; i++) expect((await report()).status).toBe(200);
    expect((await report(`/${admin}`)).status).toBe(200);
    const throttled = await report();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("2"); // one request every 2 s
    expect((await client.get(`/v1.0/users/${admin}/authentication/methods`)).status).toBe(200);
    c.now += 2_000;
    expect((await report()).status).toBe(200);

    const strict = await start({ limits: "documented", methodsReads: "reports", now: c.fn });
    await strict.fetchToken();
    for (let i = 0; i < 5; i++)
      expect((await strict.get(`/v1.0/users/${admin}/authentication/methods`)).status).toBe(200);
    expect((await strict.get(`/v1.0/users/${admin}/authentication/methods`)).status).toBe(429);
  });

  it("Conditional Access: 1 request a second, its 429 without Retry-After", async () => {
    const c = clock();
    const client = await start({ limits: "documented", limitScale: 0.1, now: c.fn });
    await client.fetchToken();
    expect((await client.get("/v1.0/identity/conditionalAccess/policies")).status).toBe(200);
    const throttled = await client.get("/v1.0/identity/conditionalAccess/policies");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBeNull();
    expect(throttled.body.error.code).toBe("TooManyRequests");
    c.now += 999;
    expect((await client.get("/v1.0/identity/conditionalAccess/policies")).status).toBe(429);
    c.now += 1;
    expect((await client.get("/v1.0/identity/conditionalAccess/policies")).status).toBe(200);
    expect(client.sandbox.stats.snapshot().throttledByLimit).toEqual({ conditionalAccess: 2 });
  });

  it("$batch: each item counted on its own route — report items throttled, write items not", async () => {
    const c = clock();
    const seed = generateSeed({ users: 20 });
    const client = await start({ seed, limits: "documented", now: c.fn, randomSeed: 5 });
    await client.fetchToken();
    const items = seed.users.slice(0, 14).flatMap((u, i) =>
      i < 7
        ? [
            {
              id: `report${i}`,
              method: "GET",
              url: `/reports/authenticationMethods/userRegistrationDetails/${u.id}`,
            },
          ]
        : [
            {
              id: `write${i}`,
              method: "PATCH",
              url: `/users/${u.id}/authentication/requirements`,
              headers: { "Content-Type": "application/json" },
              body: { perUserMfaState: "enabled" },
            },
          ],
    );
    const reply = await client.batch("beta", items);
    expect(reply.status).toBe(200);
    const byId = new Map(reply.body.responses.map((r: { id: string; status: number }) => [r.id, r]));
    const throttled = [...byId.values()].filter((r) => (r as { status: number }).status === 429);
    expect(throttled.map((r) => (r as { id: string }).id).sort()).toEqual(["report5", "report6"]);
    for (let i = 7; i < 14; i++) expect((byId.get(`write${i}`) as { status: number }).status).toBe(204);
    for (const r of throttled)
      expect((r as { headers: Record<string, string> }).headers["Retry-After"]).toBe("2");
    expect(client.sandbox.stats.snapshot().throttledByLimit).toEqual({ reports: 2 });
  });

  it("keeps --rate-limit as a plain global limit beside the documented ones", async () => {
    const c = clock();
    const client = await start({ limits: "documented", rateLimit: 2, now: c.fn });
    await client.fetchToken();
    expect((await client.get(`/v1.0/users/${admin}`)).status).toBe(200);
    expect((await client.get(`/v1.0/users/${admin}`)).status).toBe(200);
    expect((await client.get(`/v1.0/users/${admin}`)).status).toBe(429);
    expect(client.sandbox.stats.snapshot().throttledByLimit).toEqual({});
  });
});

describe("mfa-bot sandbox --limits documented", () => {
  it("reads --limits documented and --limit-scale, and refuses what it cannot use", () => {
    expect(parseSandboxArgs(["--limits", "documented", "--limit-scale", "0.1"])).toEqual({
      limits: "documented",
      limitScale: 0.1,
    });
    expect(() => parseSandboxArgs(["--limits", "strict"])).toThrow(FlagError);
    expect(() => parseSandboxArgs(["--limit-scale", "0.1"])).toThrow(/--limits documented/);
    expect(() => parseSandboxArgs(["--limits", "documented", "--limit-scale", "2"])).toThrow(FlagError);
  });

  it("refuses a scale outside (0, 1] from the programmatic API", async () => {
    await expect(start({ limits: "documented", limitScale: 0 })).rejects.toThrow(/limitScale/);
  });
});
