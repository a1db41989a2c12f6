import { describe, expect, it } from "vitest";
import { PASSWORD_METHOD_ID, PHONE_METHOD_IDS, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/index.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();
const allan = SANDBOX_SAMPLE_USERS.severalMethods;
const methodsPath = (id: string) => `/v1.0/users/${id}/authentication/methods`;

describe("authentication methods", () => {
  it("lists the password first, then each method with its Graph @odata.type", async () => {
    const client = await start();
    const reply = await client.get(methodsPath(allan.userPrincipalName));
    expect(reply.status).toBe(200);
    const types = reply.body.value.map((m: { "@odata.type": string }) => m["@odata.type"]);
    expect(types).toEqual([
      "#microsoft.graph.passwordAuthenticationMethod",
      "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
      "#microsoft.graph.phoneAuthenticationMethod",
      "#microsoft.graph.phoneAuthenticationMethod",
    ]);
    expect(reply.body.value[0].id).toBe(PASSWORD_METHOD_ID);
    expect(reply.body.value[2]).toMatchObject({ id: PHONE_METHOD_IDS.mobile, phoneType: "mobile" });
    expect(reply.body.value[2].phoneNumber).toMatch(/^\+1 \d{10}$/);
    expect(reply.body.value[3]).toMatchObject({
      id: PHONE_METHOD_IDS.alternateMobile,
      phoneType: "alternateMobile",
    });
  });

  it("lists only the password for an unregistered user, and 404s an unknown one", async () => {
    const client = await start();
    const reply = await client.get(methodsPath(SANDBOX_SAMPLE_USERS.disabledUnregistered.id));
    expect(reply.body.value).toHaveLength(1);
    expect((await client.get(methodsPath("ghost@contoso.com"))).status).toBe(404);
  });

  it("refuses to delete the default method while others remain, then deletes it last", async () => {
    const client = await start();
    const user = client.sandbox.tenant.user(allan.id)!;
    const authenticator = user.defaultMethod!;
    const del = (kind: string, id: string) =>
      client.graph("DELETE", `/v1.0/users/${allan.id}/authentication/${kind}/${id}`);

    const first = await del("microsoftAuthenticatorMethods", authenticator);
    expect(first.status).toBe(400);
    expect(first.body.error.message).toBe("Cannot delete default method with other methods configured");

    const mobile = await del("phoneMethods", PHONE_METHOD_IDS.mobile);
    expect(mobile.status).toBe(400);
    expect(mobile.body.error.message).toMatch(/alternate mobile/);

    expect((await del("phoneMethods", PHONE_METHOD_IDS.alternateMobile)).status).toBe(204);
    expect((await del("phoneMethods", PHONE_METHOD_IDS.mobile)).status).toBe(204);
    expect((await del("microsoftAuthenticatorMethods", authenticator)).status).toBe(204);

    const left = await client.get(methodsPath(allan.id));
    expect(left.body.value.map((m: { id: string }) => m.id)).toEqual([PASSWORD_METHOD_ID]);
    expect(client.sandbox.tenant.user(allan.id)?.defaultMethod).toBeUndefined();
  });

  it("can refuse the default with Graph's other wording, even when it is the last method", async () => {
    const brian = SANDBOX_SAMPLE_USERS.disabledRegistered;
    for (const refusal of ["matchesDefault", "matchesDefaultEvenWhenLast"] as const) {
      const client = await start({ defaultMethodRefusal: refusal });
      const tenant = client.sandbox.tenant;
      const authenticator = tenant.user(brian.id)!.defaultMethod!;
      const path = `/v1.0/users/${brian.id}/authentication/microsoftAuthenticatorMethods/${authenticator}`;
      // Brian's only method: deletable as the last one, unless the variant never deletes a default.
      const reply = await client.graph("DELETE", path);
      if (refusal === "matchesDefault") {
        expect(reply.status).toBe(204);
        continue;
      }
      expect(reply.status).toBe(400);
      expect(reply.body.error).toMatchObject({
        code: "badRequest",
        message: `The requested authentication method id of [${authenticator}] matches the user's current default authentication method, and cannot be deleted until the default authentication method is changed`,
      });
    }
  });

  it("lists and deletes platform credentials and external authentication methods", async () => {
    const client = await start();
    const user = client.sandbox.tenant.user(allan.id)!;
    client.sandbox.tenant.setMethods(
      allan.id,
      [
        ...user.methods,
        { id: "5c7a1f20-0000-4000-8000-0000000000a1", type: "platformCredential", displayName: "ALLAN-MAC" },
        { id: "5c7a1f20-0000-4000-8000-0000000000a2", type: "external", displayName: "Contoso MFA" },
      ],
      user.defaultMethod,
    );
    const listed = await client.get(methodsPath(allan.id));
    expect(listed.body.value.map((m: { "@odata.type": string }) => m["@odata.type"])).toEqual(
      expect.arrayContaining([
        "#microsoft.graph.platformCredentialAuthenticationMethod",
        "#microsoft.graph.externalAuthenticationMethod",
      ]),
    );
    for (const [kind, id] of [
      ["platformCredentialMethods", "5c7a1f20-0000-4000-8000-0000000000a1"],
      ["externalAuthenticationMethods", "5c7a1f20-0000-4000-8000-0000000000a2"],
    ] as const) {
      expect(
        (await client.graph("DELETE", `/v1.0/users/${allan.id}/authentication/${kind}/${id}`)).status,
      ).toBe(204);
    }
    expect(client.sandbox.tenant.user(allan.id)!.methods).toHaveLength(3);
  });

  it("cannot delete the password, a method under the wrong kind, or a missing one", async () => {
    const client = await start();
    const authenticator = client.sandbox.tenant.user(allan.id)!.defaultMethod!;
    const password = await client.graph(
      "DELETE",
      `/v1.0/users/${allan.id}/authentication/passwordMethods/${PASSWORD_METHOD_ID}`,
    );
    expect(password.status).toBe(400);
    const wrongKind = await client.graph(
      "DELETE",
      `/v1.0/users/${allan.id}/authentication/fido2Methods/${authenticator}`,
    );
    expect(wrongKind.status).toBe(404);
    const unknownKind = await client.graph(
      "DELETE",
      `/v1.0/users/${allan.id}/authentication/pigeonMethods/x`,
    );
    expect(unknownKind.status).toBe(400);
    expect(client.sandbox.tenant.user(allan.id)?.methods).toHaveLength(3);
  });

  it("lists one kind of method and reads and changes the default through signInPreferences", async () => {
    const client = await start();
    const phones = await client.get(`/v1.0/users/${allan.id}/authentication/phoneMethods`);
    expect(phones.body.value.map((m: { phoneType: string }) => m.phoneType)).toEqual([
      "mobile",
      "alternateMobile",
    ]);
    const prefs = `/beta/users/${allan.id}/authentication/signInPreferences`;
    expect((await client.get(prefs)).body.userPreferredMethodForSecondaryAuthentication).toBe("push");
    const patch = await client.graph("PATCH", prefs, {
      body: { userPreferredMethodForSecondaryAuthentication: "sms" },
    });
    expect(patch.status).toBe(204);
    expect(client.sandbox.tenant.user(allan.id)?.defaultMethod).toBe(PHONE_METHOD_IDS.mobile);
    const none = await client.graph("PATCH", prefs, {
      body: { userPreferredMethodForSecondaryAuthentication: "oath" },
    });
    expect(none.status).toBe(400);
  });
});
