import { describe, expect, it } from "vitest";
import { SANDBOX_ACCOUNTS, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/index.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();
const admin = SANDBOX_ACCOUNTS.admin;

describe("sandbox users", () => {
  it("finds a user by id and by UPN, case-insensitively, on v1.0 and beta", async () => {
    const client = await start();
    for (const path of [
      `/v1.0/users/${admin.id}`,
      `/v1.0/users/${admin.id.toUpperCase()}`,
      `/v1.0/users/${admin.userPrincipalName}`,
      "/beta/users/ADMIN@Contoso.com",
    ]) {
      const reply = await client.get(path);
      expect(reply.status, path).toBe(200);
      expect(reply.body).toMatchObject({
        id: admin.id,
        userPrincipalName: admin.userPrincipalName,
        accountEnabled: true,
      });
      expect(reply.body["@odata.context"]).toBe(
        `${client.url}/${path.split("/")[1]}/$metadata#users/$entity`,
      );
    }
  });

  it("answers with Graph's JSON content type and request ids", async () => {
    const client = await start();
    const reply = await client.get(`/v1.0/users/${admin.id}`, { "client-request-id": "abc-123" });
    expect(reply.headers.get("content-type")).toMatch(/^application\/json;odata\.metadata=minimal/);
    expect(reply.headers.get("client-request-id")).toBe("abc-123");
    expect(reply.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("resolves the ('$upn') key form and percent-encoded guest UPNs", async () => {
    const client = await start();
    const dollar = SANDBOX_SAMPLE_USERS.dollarUpn;
    expect((await client.get(`/v1.0/users('${dollar.userPrincipalName}')`)).body.id).toBe(dollar.id);
    expect((await client.get(`/v1.0/users('${encodeURIComponent(dollar.userPrincipalName)}')`)).body.id).toBe(
      dollar.id,
    );
    const guest = SANDBOX_SAMPLE_USERS.guest;
    const reply = await client.get(`/v1.0/users/${encodeURIComponent(guest.userPrincipalName)}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: guest.id, userType: "Guest" });
  });

  it("answers 404 Request_ResourceNotFound for an unknown user", async () => {
    const client = await start();
    const reply = await client.get("/v1.0/users/nobody@contoso.com");
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe("Request_ResourceNotFound");
    expect(reply.body.error.message).toBe(
      "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present.",
    );
    expect(reply.body.error.innerError["request-id"]).toBeTypeOf("string");
  });

  it("finds a user by mail with $filter, case-insensitively", async () => {
    const client = await start();
    const megan = SANDBOX_SAMPLE_USERS.mailDiffersFromUpn;
    const reply = await client.get(
      `/v1.0/users?$filter=${encodeURIComponent(`mail eq '${megan.mail.toUpperCase()}'`)}`,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.value).toHaveLength(1);
    expect(reply.body.value[0]).toMatchObject({ id: megan.id, userPrincipalName: megan.userPrincipalName });
    const none = await client.get(`/v1.0/users?$filter=${encodeURIComponent("mail eq 'ghost@contoso.com'")}`);
    expect(none.body.value).toEqual([]);
  });

  it("honours $select and refuses unknown properties", async () => {
    const client = await start();
    const reply = await client.get(`/v1.0/users/${admin.id}?$select=id,accountEnabled,department`);
    expect(reply.body).toEqual({
      "@odata.context": expect.any(String),
      id: admin.id,
      accountEnabled: true,
      department: null,
    });
    const bad = await client.get(`/v1.0/users/${admin.id}?$select=id,notAProperty`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/notAProperty/);
  });

  it("refuses a filter it cannot parse with 400", async () => {
    const client = await start();
    const reply = await client.get(`/v1.0/users?$filter=${encodeURIComponent("mail eq")}`);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/Invalid filter clause/);
  });

  it("answers 400 for an unknown segment and 405 for a wrong method, like Graph", async () => {
    const client = await start();
    const unknown = await client.get("/v1.0/frobnicate/1");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe("Resource not found for the segment 'frobnicate'.");
    const deeper = await client.get(`/v1.0/users/${admin.id}/nonsense`);
    expect(deeper.status).toBe(400);
    expect(deeper.body.error.message).toMatch(/'nonsense'/);
    const wrongMethod = await client.graph("DELETE", `/v1.0/users/${admin.id}`);
    expect(wrongMethod.status).toBe(405);
    const noVersion = await client.get("/v2.0/users");
    expect(noVersion.status).toBe(404);
  });
});
