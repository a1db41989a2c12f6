import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GRAPH, graphError, makeDirectory, mockToken } from "./graph-fakes.js";

const SELECT = { $select: "id,userPrincipalName,displayName,mail,proxyAddresses,accountEnabled" };
const ALICE_ID = "6e7b768e-07e2-4810-8459-485f84f8f204";
const alice = {
  "@odata.context":
    "https://graph.microsoft.com/v1.0/$metadata#users(id,userPrincipalName,displayName,mail,accountEnabled)/$entity",
  id: ALICE_ID,
  userPrincipalName: "alice@contoso.com",
  displayName: "Alice Adams",
  mail: "alice@contoso.com",
  accountEnabled: true,
};
const NOT_FOUND = graphError(
  "Request_ResourceNotFound",
  "Resource 'x' does not exist or one of its queried reference-property objects are not present.",
);

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  mockToken();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe("getUser", () => {
  it("finds a user by object id", async () => {
    nock(GRAPH).get(`/v1.0/users/${ALICE_ID}`).query(SELECT).reply(200, alice);
    const { directory } = makeDirectory();
    expect(await directory.getUser(ALICE_ID)).toEqual({
      id: ALICE_ID,
      userPrincipalName: "alice@contoso.com",
      displayName: "Alice Adams",
      mail: "alice@contoso.com",
      accountEnabled: true,
    });
  });

  it("finds a user by UPN", async () => {
    nock(GRAPH).get("/v1.0/users/alice@contoso.com").query(SELECT).reply(200, alice);
    const { directory } = makeDirectory();
    expect((await directory.getUser("alice@contoso.com"))?.id).toBe(ALICE_ID);
  });

  it("writes a UPN starting with $ as users('$x@y')", async () => {
    nock(GRAPH)
      .get("/v1.0/users('$admin@contoso.com')")
      .query(SELECT)
      .reply(200, { ...alice, userPrincipalName: "$admin@contoso.com" });
    const { directory } = makeDirectory();
    expect((await directory.getUser("$admin@contoso.com"))?.userPrincipalName).toBe("$admin@contoso.com");
  });

  it("encodes # in a guest's #EXT# UPN", async () => {
    const guest = "bob_fabrikam.com#EXT#@contoso.onmicrosoft.com";
    nock(GRAPH)
      .get("/v1.0/users/bob_fabrikam.com%23EXT%23@contoso.onmicrosoft.com")
      .query(SELECT)
      .reply(200, {
        id: "g1",
        userPrincipalName: guest,
        displayName: "Bob (Fabrikam)",
        mail: "bob@fabrikam.com",
      });
    const { directory } = makeDirectory();
    expect(await directory.getUser(guest)).toMatchObject({ id: "g1", userPrincipalName: guest });
  });

  it("falls back to the mail address when no UPN matches, doubling quotes", async () => {
    nock(GRAPH).get("/v1.0/users/o'brien@contoso.com").query(SELECT).reply(404, NOT_FOUND);
    nock(GRAPH)
      .get("/v1.0/users")
      .query({ $filter: "mail eq 'o''brien@contoso.com'", ...SELECT })
      .reply(200, {
        value: [
          {
            id: "u9",
            userPrincipalName: "sean.obrien@contoso.onmicrosoft.com",
            displayName: "Seán",
            mail: "o'brien@contoso.com",
            accountEnabled: false,
          },
          {
            id: "u10",
            userPrincipalName: "other@contoso.com",
            displayName: "Other",
            mail: "o'brien@contoso.com",
          },
        ],
      });
    const { directory } = makeDirectory();
    expect(await directory.getUser("o'brien@contoso.com")).toEqual({
      id: "u9",
      userPrincipalName: "sean.obrien@contoso.onmicrosoft.com",
      displayName: "Seán",
      mail: "o'brien@contoso.com",
      accountEnabled: false,
    });
  });

  it("returns null when neither UPN nor mail matches", async () => {
    nock(GRAPH).get("/v1.0/users/nobody@contoso.com").query(SELECT).reply(404, NOT_FOUND);
    nock(GRAPH)
      .get("/v1.0/users")
      .query({ $filter: "mail eq 'nobody@contoso.com'", ...SELECT })
      .reply(200, { value: [] });
    const { directory } = makeDirectory();
    expect(await directory.getUser("nobody@contoso.com")).toBeNull();
  });

  it("returns null for an unknown object id without searching by mail", async () => {
    const scope = nock(GRAPH).get(`/v1.0/users/${ALICE_ID}`).query(SELECT).reply(404, NOT_FOUND);
    const { directory } = makeDirectory();
    expect(await directory.getUser(ALICE_ID)).toBeNull();
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("passes a missing permission through, naming it", async () => {
    nock(GRAPH)
      .get("/v1.0/users/alice@contoso.com")
      .query(SELECT)
      .reply(
        403,
        graphError("Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
      );
    const { directory } = makeDirectory();
    await expect(directory.getUser("alice@contoso.com")).rejects.toMatchObject({
      kind: "forbidden",
      userMessage: expect.stringContaining("the app lacks User.Read.All"),
    });
  });
});
