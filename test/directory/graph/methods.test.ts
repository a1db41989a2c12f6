import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GRAPH, graphError, makeDirectory, mockToken } from "./graph-fakes.js";
import { METHODS_RESPONSE } from "./methods-fixtures.js";

const BASE = "/v1.0/users/u1/authentication";
const MOBILE = "3179e48a-750b-4051-897c-87b9720928f7";
const ALT_MOBILE = "b6332ec1-7057-4abe-9331-3d72feddfe41";
const APP = "6cf2a0e4-7d0c-4f58-8b17-d2e1b1a1a1a1";
const EMAIL = "3ddfcfc8-9383-446f-83cc-3ab9be4be18f";
const OATH = "b172893e-893e-4d3f-9a8e-2c0e3a1b8f88";
const DEFAULT_REFUSAL = graphError(
  "badRequest",
  "Cannot delete default method with other methods configured.",
);

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  mockToken();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** Records the order of DELETEs; `answer` decides each one's status. */
function mockDeletes(answer: (path: string, attempt: number) => [number, unknown?]) {
  const order: string[] = [];
  const attempts = new Map<string, number>();
  nock(GRAPH)
    .delete(/\/v1\.0\/users\/u1\/authentication\/\w+\/[\w-]+$/)
    .times(20)
    .reply((path) => {
      const attempt = attempts.get(path) ?? 0;
      attempts.set(path, attempt + 1);
      order.push(path.replace(`${BASE}/`, ""));
      return answer(path, attempt) as [number, unknown];
    });
  return order;
}

describe("listMethods", () => {
  it("shortens the OData type and shows the phone number, device or address", async () => {
    nock(GRAPH).get(`${BASE}/methods`).reply(200, METHODS_RESPONSE);
    const { directory } = makeDirectory();
    expect(await directory.listMethods("u1")).toEqual([
      { id: "28c10230-6103-485e-b985-444c60001490", type: "password" },
      { id: MOBILE, type: "phone", detail: "+1 2065555555" },
      { id: APP, type: "microsoftAuthenticator", detail: "Alice's iPhone" },
      { id: ALT_MOBILE, type: "phone", detail: "+1 4255550199" },
      { id: EMAIL, type: "email", detail: "alice.personal@example.com" },
      { id: OATH, type: "softwareOath" },
    ]);
  });

  it("names UserAuthenticationMethod.Read.All when it is missing", async () => {
    nock(GRAPH).get(`${BASE}/methods`).reply(403, graphError("accessDenied", "Request Authorization failed"));
    const { directory } = makeDirectory();
    await expect(directory.listMethods("u1")).rejects.toMatchObject({
      kind: "forbidden",
      userMessage: expect.stringContaining("UserAuthenticationMethod.Read.All"),
    });
  });
});

describe("deleteMethod", () => {
  it.each([
    ["phone", "phoneMethods"],
    ["microsoftAuthenticator", "microsoftAuthenticatorMethods"],
    ["softwareOath", "softwareOathMethods"],
    ["fido2", "fido2Methods"],
    ["windowsHelloForBusiness", "windowsHelloForBusinessMethods"],
    ["email", "emailMethods"],
    ["temporaryAccessPass", "temporaryAccessPassMethods"],
  ])("deletes a %s method at /%s/{id}", async (type, segment) => {
    const scope = nock(GRAPH).delete(`${BASE}/${segment}/m-1`).reply(204);
    const { directory } = makeDirectory();
    await directory.deleteMethod("u1", { id: "m-1", type });
    expect(scope.isDone()).toBe(true);
  });

  it("refuses to delete the password", async () => {
    const { directory } = makeDirectory();
    await expect(directory.deleteMethod("u1", { id: "p", type: "password" })).rejects.toMatchObject({
      kind: "badRequest",
      userMessage: "the password method cannot be deleted",
    });
  });

  it("names UserAuthenticationMethod.ReadWrite.All when it is missing", async () => {
    nock(GRAPH).delete(`${BASE}/emailMethods/${EMAIL}`).reply(403, graphError("accessDenied", "denied"));
    const { directory } = makeDirectory();
    await expect(directory.deleteMethod("u1", { id: EMAIL, type: "email" })).rejects.toMatchObject({
      userMessage: expect.stringContaining("UserAuthenticationMethod.ReadWrite.All"),
    });
  });
});

describe("requireReregistration", () => {
  it("deletes everything but the password, mobile after alternateMobile, the default last", async () => {
    nock(GRAPH).get(`${BASE}/methods`).reply(200, METHODS_RESPONSE);
    // The Authenticator app is the default: refused while others remain.
    const order = mockDeletes((path, attempt) =>
      path.endsWith(APP) && attempt === 0 ? [400, DEFAULT_REFUSAL] : [204],
    );
    const { directory } = makeDirectory();
    const results = await directory.requireReregistration("u1");

    expect(order).toEqual([
      `microsoftAuthenticatorMethods/${APP}`,
      `phoneMethods/${ALT_MOBILE}`,
      `emailMethods/${EMAIL}`,
      `softwareOathMethods/${OATH}`,
      `phoneMethods/${MOBILE}`,
      `microsoftAuthenticatorMethods/${APP}`,
    ]);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(results.map((result) => result.method.id)).not.toContain("28c10230-6103-485e-b985-444c60001490");
    expect(results).toHaveLength(5);
  });

  it("reports a partial failure per method instead of throwing", async () => {
    nock(GRAPH).get(`${BASE}/methods`).reply(200, METHODS_RESPONSE);
    const order = mockDeletes((path) => {
      if (path.endsWith(OATH)) return [403, graphError("accessDenied", "denied")];
      if (path.endsWith(APP)) return [400, DEFAULT_REFUSAL];
      return [204];
    });
    // The OATH token is still there, so the bot tries to make it the default: refused too.
    const preference = nock(GRAPH)
      .patch("/beta/users/u1/authentication/signInPreferences", {
        userPreferredMethodForSecondaryAuthentication: "oath",
      })
      .reply(403, graphError("accessDenied", "denied"));
    const { directory } = makeDirectory();
    const results = await directory.requireReregistration("u1");
    expect(preference.isDone()).toBe(true);
    const byId = new Map(results.map((result) => [result.method.id, result]));
    expect(byId.get(MOBILE)).toEqual({
      method: { id: MOBILE, type: "phone", detail: "+1 2065555555" },
      ok: true,
    });
    expect(byId.get(OATH)).toMatchObject({
      ok: false,
      error: expect.stringContaining("UserAuthenticationMethod.ReadWrite.All"),
    });
    // Still the default while the OATH token remains: tried again once, then reported with
    // Graph's words and what the admin must do.
    expect(byId.get(APP)).toMatchObject({
      ok: false,
      error: expect.stringContaining("Cannot delete default method"),
    });
    expect(byId.get(APP)?.error).toMatch(/making another method the default failed/);
    expect(byId.get(APP)?.error).toMatch(/Require re-register multifactor authentication/);
    expect(order.filter((path) => path.endsWith(APP))).toHaveLength(2);
    expect(results.filter((result) => result.ok)).toHaveLength(3);
  });

  it("does nothing for a user with only a password", async () => {
    nock(GRAPH)
      .get(`${BASE}/methods`)
      .reply(200, { value: [{ "@odata.type": "#microsoft.graph.passwordAuthenticationMethod", id: "pw" }] });
    const { directory } = makeDirectory();
    expect(await directory.requireReregistration("u1")).toEqual([]);
  });
});
