import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GRAPH, graphError, makeDirectory, mockToken } from "./graph-fakes.js";

const SELECT = "id,userPrincipalName,displayName,mail,proxyAddresses,accountEnabled";
const MEMBERS = "/v1.0/groups/g1/transitiveMembers/microsoft.graph.user";

const user = (n: number) => ({
  "@odata.type": "#microsoft.graph.user",
  id: `u${n}`,
  userPrincipalName: `user${n}@contoso.com`,
  displayName: `User ${n}`,
  mail: null,
  accountEnabled: true,
});

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  mockToken();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe("groupMembers", () => {
  it("asks with ConsistencyLevel eventual and $count, and follows @odata.nextLink", async () => {
    nock(GRAPH)
      .get(MEMBERS)
      .query({ $select: SELECT, $count: "true" })
      .matchHeader("ConsistencyLevel", "eventual")
      .reply(200, {
        "@odata.context": "https://graph.test/v1.0/$metadata#users",
        "@odata.count": 3,
        "@odata.nextLink": `${GRAPH}${MEMBERS}?$select=${SELECT}&$count=true&$skiptoken=RFNwdAIAAQAAAD`,
        value: [user(1), user(2)],
      });
    nock(GRAPH)
      .get(MEMBERS)
      .query({ $select: SELECT, $count: "true", $skiptoken: "RFNwdAIAAQAAAD" })
      .matchHeader("ConsistencyLevel", "eventual")
      .reply(200, { value: [user(3)] });
    const { directory } = makeDirectory();
    const members = await directory.groupMembers("g1");
    expect(members.map((member) => member.id)).toEqual(["u1", "u2", "u3"]);
    expect(members[0]).toEqual({
      id: "u1",
      userPrincipalName: "user1@contoso.com",
      displayName: "User 1",
      mail: null,
      accountEnabled: true,
    });
  });

  it("refuses a nextLink outside the Graph base URL (the token must not leave)", async () => {
    nock(GRAPH)
      .get(MEMBERS)
      .query(true)
      .reply(200, {
        "@odata.nextLink": "https://evil.test/v1.0/groups/g1/transitiveMembers?$skiptoken=x",
        value: [user(1)],
      });
    const { directory } = makeDirectory();
    await expect(directory.groupMembers("g1")).rejects.toMatchObject({ kind: "unexpected" });
  });

  it("says there is no such group", async () => {
    nock(GRAPH).get(MEMBERS).query(true).reply(404, graphError("Request_ResourceNotFound", "no"));
    const { directory } = makeDirectory();
    await expect(directory.groupMembers("g1")).rejects.toMatchObject({
      kind: "notFound",
      userMessage: "no such group",
    });
  });

  it("names GroupMember.Read.All when it is missing", async () => {
    nock(GRAPH)
      .get(MEMBERS)
      .query(true)
      .reply(403, graphError("Authorization_RequestDenied", "Insufficient privileges."));
    const { directory } = makeDirectory();
    await expect(directory.groupMembers("g1")).rejects.toMatchObject({
      userMessage: expect.stringContaining("the app lacks GroupMember.Read.All"),
    });
  });
});

describe("memberOf", () => {
  it("lists transitive group ids over every page", async () => {
    const path = "/v1.0/users/u1/transitiveMemberOf/microsoft.graph.group";
    nock(GRAPH)
      .get(path)
      .query({ $select: "id" })
      .reply(200, {
        "@odata.nextLink": `${GRAPH}${path}?$select=id&$skiptoken=p2`,
        value: [{ id: "g1" }, { id: "g2" }],
      });
    nock(GRAPH)
      .get(path)
      .query({ $select: "id", $skiptoken: "p2" })
      .reply(200, { value: [{ id: "g3" }] });
    const { directory } = makeDirectory();
    expect(await directory.memberOf("u1")).toEqual(["g1", "g2", "g3"]);
  });
});

describe("a Graph base URL with a path (a proxy)", () => {
  it("keeps the path for requests and accepts nextLinks under it", async () => {
    const base = "https://proxy.test/graph";
    nock(base.replace("/graph", ""))
      .get(`/graph${MEMBERS}`)
      .query(true)
      .reply(200, { "@odata.nextLink": `${base}${MEMBERS}?$skiptoken=2`, value: [user(1)] })
      .get(`/graph${MEMBERS}`)
      .query({ $skiptoken: "2" })
      .reply(200, { value: [user(2)] });
    const { directory } = makeDirectory({ graphBaseUrl: base });
    expect((await directory.groupMembers("g1")).map((member) => member.id)).toEqual(["u1", "u2"]);
  });
});
