import { describe, expect, it } from "vitest";
import { generateSeed } from "../../src/sandbox/index.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();
const seed = generateSeed({ users: 40 });
const bench = seed.users.filter((u) => u.userPrincipalName.endsWith("@bench.contoso.com"));

const patchItems = (n: number, state = "enabled") =>
  bench.slice(0, n).map((u, i) => ({
    id: String(i + 1),
    method: "PATCH",
    url: `/users/${u.id}/authentication/requirements`,
    headers: { "Content-Type": "application/json" },
    body: { perUserMfaState: state },
  }));

describe("$batch", () => {
  it("runs each item through the routes and answers each with its own status", async () => {
    const client = await start({ seed });
    const reply = await client.batch("beta", [
      ...patchItems(2),
      { id: "get", method: "GET", url: `users/${bench[0]!.id}/authentication/requirements` },
      { id: "ghost", method: "GET", url: "/users/ghost@contoso.com/authentication/requirements" },
    ]);
    expect(reply.status).toBe(200);
    const byId = Object.fromEntries(reply.body.responses.map((r: { id: string }) => [r.id, r]));
    expect(byId["1"]).toMatchObject({ status: 204 });
    expect(byId["1"]).not.toHaveProperty("body");
    expect(byId.get).toMatchObject({ status: 200, body: { perUserMfaState: "enabled" } });
    expect(byId.ghost.status).toBe(404);
    expect(byId.ghost.body.error.code).toBe("Request_ResourceNotFound");
    expect(client.sandbox.tenant.user(bench[1]!.id)?.perUserMfaState).toBe("enabled");
    expect(client.sandbox.stats.count("PATCH /beta/users/{id}/authentication/requirements")).toBe(2);
    expect(client.sandbox.stats.count("POST /beta/$batch")).toBe(1);
    expect(client.sandbox.stats.batchItems).toBe(4);
  });

  it("answers a batch with a throttled item 424 as a whole when asked to, every item's answer in the body", async () => {
    const client = await start({ seed, rateLimit: 2, batchStatusWhenThrottled: 424, now: () => 1_000 });
    await client.fetchToken();
    const reply = await client.batch("beta", patchItems(3));
    expect(reply.status).toBe(424);
    const statuses = reply.body.responses.map((r: { status: number }) => r.status).sort();
    expect(statuses).toEqual([204, 204, 429]);
    const plain = await start({ seed, rateLimit: 2, now: () => 1_000 });
    await plain.fetchToken();
    expect((await plain.batch("beta", patchItems(3))).status).toBe(200);
  });

  it("applies the batch's version to its items", async () => {
    const client = await start({ seed });
    const reply = await client.batch("v1.0", patchItems(1));
    expect(reply.body.responses[0].status).toBe(400);
    expect(reply.body.responses[0].body.error.message).toMatch(/'requirements'/);
  });

  it("shuffles the responses, the same way for the same random seed", async () => {
    const order = async (randomSeed: number) => {
      const client = await start({ seed, randomSeed });
      const reply = await client.batch("beta", patchItems(20));
      return reply.body.responses.map((r: { id: string }) => r.id);
    };
    const first = await order(7);
    expect([...first].sort((a, b) => Number(a) - Number(b))).toEqual(patchItems(20).map((i) => i.id));
    expect(first).not.toEqual(patchItems(20).map((i) => i.id));
    expect(await order(7)).toEqual(first);
  });

  it("refuses more than 20 requests, duplicate ids, and a body without Content-Type", async () => {
    const client = await start({ seed });
    const tooMany = await client.batch("beta", patchItems(21));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/exceeds the limit/);
    const duplicate = await client.batch("beta", [...patchItems(1), ...patchItems(1)]);
    expect(duplicate.status).toBe(400);
    const noType = await client.batch("beta", [
      {
        id: "1",
        method: "PATCH",
        url: `/users/${bench[0]!.id}/authentication/requirements`,
        body: { perUserMfaState: "enabled" },
      },
    ]);
    expect(noType.status).toBe(400);
    expect(noType.body.error.message).toMatch(/Content-Type/);
    const garbage = await client.graph("POST", "/beta/$batch", { body: { nope: true } });
    expect(garbage.status).toBe(400);
    expect(client.sandbox.tenant.user(bench[0]!.id)?.perUserMfaState).toBe("disabled");
  });

  it("fails an item whose dependency failed with 424", async () => {
    const client = await start({ seed });
    const reply = await client.batch("beta", [
      { id: "1", method: "GET", url: "/users/ghost@contoso.com" },
      { id: "2", method: "GET", url: `/users/${bench[0]!.id}`, dependsOn: ["1"] },
    ]);
    const two = reply.body.responses.find((r: { id: string }) => r.id === "2");
    expect(two.status).toBe(424);
  });

  it("gives absolute nextLinks inside batch items", async () => {
    const client = await start({ seed, pageSize: 10 });
    const reply = await client.batch("v1.0", [{ id: "1", method: "GET", url: "/users?$select=id" }]);
    expect(reply.body.responses[0].body["@odata.nextLink"]).toMatch(
      new RegExp(`^${client.url}/v1\\.0/users\\?`),
    );
  });
});
