import { describe, expect, it } from "vitest";
import { SANDBOX_SAMPLE_USERS, type SandboxSeedInput } from "../../src/sandbox/index.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();
const requirements = (user: string, version = "beta") =>
  `/${version}/users/${user}/authentication/requirements`;

describe("per-user MFA state (beta authentication/requirements)", () => {
  it("reads and writes the state; PATCH answers 204", async () => {
    const client = await start();
    const user = SANDBOX_SAMPLE_USERS.disabledUnregistered;
    const before = await client.get(requirements(user.id));
    expect(before.status).toBe(200);
    expect(before.body.perUserMfaState).toBe("disabled");
    const patch = await client.graph("PATCH", requirements(user.userPrincipalName), {
      body: { perUserMfaState: "enabled" },
    });
    expect(patch.status).toBe(204);
    expect(patch.body).toBeUndefined();
    expect((await client.get(requirements(user.id))).body.perUserMfaState).toBe("enabled");
    expect(client.sandbox.tenant.user(user.id)?.perUserMfaState).toBe("enabled");
  });

  // Issue 9, problem 5: the sandbox used to move such a user straight to Enforced.
  it("keeps a user enabled over registration details Enabled until they register again", async () => {
    const client = await start();
    const user = SANDBOX_SAMPLE_USERS.disabledRegistered;
    await client.graph("PATCH", requirements(user.id), { body: { perUserMfaState: "enabled" } });
    expect((await client.get(requirements(user.id))).body.perUserMfaState).toBe("enabled");
    expect(client.sandbox.tenant.user(user.id)?.mustReregister).toBe(true);
    client.sandbox.tenant.register(user.id, {
      id: "a1b2c3d4-0000-4000-8000-000000000002",
      type: "microsoftAuthenticator",
    });
    expect((await client.get(requirements(user.id))).body.perUserMfaState).toBe("enforced");
  });

  it("keeps a user re-enabled over stale registration details enabled", async () => {
    const client = await start();
    for (const user of SANDBOX_SAMPLE_USERS.mustReregister) {
      expect((await client.get(requirements(user.id))).body.perUserMfaState).toBe("enabled");
      await client.graph("PATCH", requirements(user.id), { body: { perUserMfaState: "disabled" } });
      await client.graph("PATCH", requirements(user.id), { body: { perUserMfaState: "enabled" } });
      expect((await client.get(requirements(user.id))).body.perUserMfaState).toBe("enabled");
    }
  });

  it("enforces a must-re-register user once all methods are gone and they register again", async () => {
    const client = await start();
    const bianca = SANDBOX_SAMPLE_USERS.mustReregister[0];
    const { tenant } = client.sandbox;
    const methods = tenant.user(bianca.id)!.methods;
    expect(methods).toHaveLength(1);
    const del = await client.graph(
      "DELETE",
      `/v1.0/users/${bianca.id}/authentication/phoneMethods/${methods[0]!.id}`,
    );
    expect(del.status).toBe(204);
    expect(tenant.user(bianca.id)).toMatchObject({ mustReregister: false, perUserMfaState: "enabled" });
    tenant.register(bianca.id, {
      id: "a1b2c3d4-0000-4000-8000-000000000001",
      type: "microsoftAuthenticator",
    });
    expect((await client.get(requirements(bianca.id))).body.perUserMfaState).toBe("enforced");
  });

  it("enforces an enabled, unregistered user when they register (simulated sign-in)", async () => {
    const client = await start();
    const user = SANDBOX_SAMPLE_USERS.enabledUnregistered;
    expect((await client.get(requirements(user.id))).body.perUserMfaState).toBe("enabled");
    const after = client.sandbox.tenant.register(user.userPrincipalName, {
      id: "3179e48a-750b-4051-897c-87b9720928f7",
      type: "phone",
      phoneType: "mobile",
      phoneNumber: "+1 4255550199",
    });
    expect(after).toMatchObject({
      perUserMfaState: "enforced",
      defaultMethod: "3179e48a-750b-4051-897c-87b9720928f7",
    });
    expect((await client.get(requirements(user.id))).body.perUserMfaState).toBe("enforced");
  });

  it("does not count email or a Temporary Access Pass as MFA registration", async () => {
    const seed: SandboxSeedInput = {
      users: [
        {
          id: "11111111-1111-4111-8111-111111111111",
          userPrincipalName: "e@contoso.com",
          displayName: "E",
          methods: [{ id: "m1", type: "email", emailAddress: "e@outlook.com" }],
        },
      ],
    };
    const client = await start({ seed });
    await client.graph("PATCH", requirements("e@contoso.com"), { body: { perUserMfaState: "enabled" } });
    expect((await client.get(requirements("e@contoso.com"))).body.perUserMfaState).toBe("enabled");
  });

  it("refuses a bad value with 400 badRequest and leaves the state alone", async () => {
    const client = await start();
    const user = SANDBOX_SAMPLE_USERS.disabledUnregistered;
    for (const body of [
      { perUserMfaState: "on" },
      { perUserMfaState: "unknownFutureValue" },
      { state: "enabled" },
    ]) {
      const reply = await client.graph("PATCH", requirements(user.id), { body });
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe("badRequest");
    }
    expect(client.sandbox.tenant.user(user.id)?.perUserMfaState).toBe("disabled");
  });

  it("has no v1.0 endpoint for the state", async () => {
    const client = await start();
    const reply = await client.get(requirements(SANDBOX_SAMPLE_USERS.disabledUnregistered.id, "v1.0"));
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toBe("Resource not found for the segment 'requirements'.");
  });

  it("answers 404 for an unknown user, GET and PATCH", async () => {
    const client = await start();
    expect((await client.get(requirements("ghost@contoso.com"))).status).toBe(404);
    const patch = await client.graph("PATCH", requirements("ghost@contoso.com"), {
      body: { perUserMfaState: "enabled" },
    });
    expect(patch.status).toBe(404);
    expect(patch.body.error.code).toBe("Request_ResourceNotFound");
  });

  it("shows a state Graph may add later as it is", async () => {
    const client = await start();
    const user = SANDBOX_SAMPLE_USERS.disabledUnregistered;
    client.sandbox.tenant.update(user.id, { perUserMfaState: "unknownFutureValue" });
    expect((await client.get(requirements(user.id))).body.perUserMfaState).toBe("unknownFutureValue");
  });
});
