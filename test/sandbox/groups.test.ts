import { describe, expect, it } from "vitest";
import {
  BENCH_GROUP_ID,
  generateSeed,
  SANDBOX_ACCOUNTS,
  SANDBOX_GROUPS,
  SANDBOX_SAMPLE_USERS,
} from "../../src/sandbox/index.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();
const members = (groupId: string) => `/v1.0/groups/${groupId}/transitiveMembers/microsoft.graph.user`;

describe("group membership", () => {
  it("expands nested groups and lists each user once", async () => {
    const client = await start();
    const reply = await client.get(`${members(SANDBOX_GROUPS.finance.id)}?$count=true`, {
      ConsistencyLevel: "eventual",
    });
    expect(reply.status).toBe(200);
    const upns = reply.body.value.map((u: { userPrincipalName: string }) => u.userPrincipalName);
    expect(upns).toHaveLength(10);
    expect(new Set(upns).size).toBe(10);
    expect(upns).toContain("diegos@contoso.com"); // only in the nested group
    expect(reply.body["@odata.count"]).toBe(10);
    expect(reply.body["@odata.nextLink"]).toBeUndefined();
  });

  it("pages with an absolute @odata.nextLink back to the sandbox", async () => {
    const client = await start({ seed: generateSeed({ users: 250 }) });
    const seen: string[] = [];
    let next: string | undefined = `${members(BENCH_GROUP_ID)}?$count=true&$select=id,userPrincipalName`;
    let pages = 0;
    while (next) {
      const page = await client.get(next, { ConsistencyLevel: "eventual" });
      expect(page.status).toBe(200);
      expect(page.body["@odata.count"]).toBe(250);
      seen.push(...page.body.value.map((u: { userPrincipalName: string }) => u.userPrincipalName));
      expect(Object.keys(page.body.value[0]).sort()).toEqual(["id", "userPrincipalName"]);
      next = page.body["@odata.nextLink"];
      if (next) expect(next.startsWith(`${client.url}/v1.0/groups/${BENCH_GROUP_ID}/`)).toBe(true);
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(250);
    expect(seen[0]).toBe("user0001@bench.contoso.com");
  });

  it("uses the pageSize option and $top", async () => {
    const client = await start({ pageSize: 4 });
    const first = await client.get(members(SANDBOX_GROUPS.finance.id));
    expect(first.body.value).toHaveLength(4);
    const top = await client.get(`${members(SANDBOX_GROUPS.finance.id)}?$top=7`);
    expect(top.body.value).toHaveLength(7);
    const second = await client.get(top.body["@odata.nextLink"]);
    expect(second.body.value).toHaveLength(3);
    expect((await client.get(`${members(SANDBOX_GROUPS.finance.id)}?$top=1000`)).status).toBe(400);
  });

  it("refuses $count without ConsistencyLevel: eventual, as Graph does", async () => {
    const client = await start();
    const reply = await client.get(`${members(SANDBOX_GROUPS.finance.id)}?$count=true`);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({
      code: "Request_BadRequest",
      message: "$count is not currently supported.",
    });
  });

  it("answers 404 for an unknown group", async () => {
    const client = await start();
    const reply = await client.get(members("00000000-0000-4000-8000-00000000dead"));
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe("Request_ResourceNotFound");
  });

  it("lists a user's transitive groups", async () => {
    const client = await start();
    const allan = await client.get(
      `/v1.0/users/${SANDBOX_SAMPLE_USERS.severalMethods.id}/transitiveMemberOf/microsoft.graph.group`,
    );
    expect(allan.body.value.map((g: { id: string }) => g.id).sort()).toEqual(
      [SANDBOX_GROUPS.finance.id, SANDBOX_GROUPS.financeControllers.id].sort(),
    );
    const diego = await client.get("/v1.0/users/diegos@contoso.com/transitiveMemberOf/microsoft.graph.group");
    expect(diego.body.value.map((g: { displayName: string }) => g.displayName).sort()).toEqual([
      "Finance",
      "Finance Controllers",
    ]);
    const helpdesk = await client.get(
      `/v1.0/users/${SANDBOX_ACCOUNTS.helpdesk.id}/transitiveMemberOf/microsoft.graph.group`,
    );
    expect(helpdesk.body.value).toEqual([expect.objectContaining({ id: SANDBOX_GROUPS.mfaHelpdesk.id })]);
    expect(
      (await client.get("/v1.0/users/ghost@contoso.com/transitiveMemberOf/microsoft.graph.group")).status,
    ).toBe(404);
  });
});
