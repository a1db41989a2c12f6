import { describe, expect, it } from "vitest";
import { MEMBERS_CA_POLICY_ID, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/index.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();
const U = SANDBOX_SAMPLE_USERS;

async function admin(url: string, path: string, body?: unknown, method = "POST") {
  const response = await fetch(`${url}/_sandbox/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests index into the answers freely
  const answer: any = await response.json();
  return { status: response.status, body: answer };
}

describe("the sandbox's admin routes (/_sandbox/…, outside Graph's /v1.0 and /beta)", () => {
  it("sign-in: an Enabled user with nothing registered is asked to register, registers, and is Enforced", async () => {
    const client = await start();
    const adele = U.enabledUnregistered;
    const reply = await admin(client.url, `users/${adele.userPrincipalName}/sign-in`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      registered: true,
      user: { userPrincipalName: adele.userPrincipalName, perUserMfaState: "enforced" },
    });
    expect(reply.body.user.methods[0]["@odata.type"]).toBe(
      "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
    );
    expect(
      (await client.get(`/beta/users/${adele.id}/authentication/requirements`)).body.perUserMfaState,
    ).toBe("enforced");
  });

  it("sign-in: a user re-enabled over registration details is not asked and stays Enabled; others do not change", async () => {
    const client = await start();
    const bianca = U.mustReregister[0];
    const stale = await admin(client.url, `users/${bianca.id}/sign-in`);
    expect(stale.body).toMatchObject({
      registered: false,
      user: { perUserMfaState: "enabled", mustReregister: true },
    });
    const disabled = await admin(client.url, `users/${U.disabledUnregistered.id}/sign-in`);
    expect(disabled.body).toMatchObject({
      registered: false,
      user: { perUserMfaState: "disabled", methods: [] },
    });
  });

  it("register: the user registers a method; an Enabled user becomes Enforced", async () => {
    const client = await start();
    const reply = await admin(client.url, `users/${U.enabledUnregistered.id}/register`, {
      type: "softwareOath",
    });
    expect(reply.body.user).toMatchObject({ perUserMfaState: "enforced" });
    expect(reply.body.user.methods.map((m: { "@odata.type": string }) => m["@odata.type"])).toEqual([
      "#microsoft.graph.softwareOathAuthenticationMethod",
    ]);
  });

  it("security defaults cannot go on while a Conditional Access policy is enabled", async () => {
    const client = await start();
    const refused = await admin(client.url, "security-defaults", { isEnabled: true });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/Require MFA for members/);
    expect(client.sandbox.tenant.securityDefaultsEnabled).toBe(false);

    const off = await admin(client.url, `conditional-access/policies/${MEMBERS_CA_POLICY_ID}`, {
      state: "disabled",
    });
    expect(off).toMatchObject({ status: 200, body: { state: "disabled" } });
    expect((await admin(client.url, "security-defaults", { isEnabled: true })).status).toBe(200);
    expect(client.sandbox.tenant.securityDefaultsEnabled).toBe(true);
    const again = await admin(client.url, `conditional-access/policies/${MEMBERS_CA_POLICY_ID}`, {
      state: "enabled",
    });
    expect(again.status).toBe(409);
  });

  it("answers a wrong method, an unknown user or route, and a bad body plainly", async () => {
    const client = await start();
    expect((await admin(client.url, "security-defaults", undefined, "GET")).status).toBe(405);
    expect((await admin(client.url, "users/nobody@contoso.com/sign-in")).status).toBe(404);
    expect((await admin(client.url, "nothing-here")).status).toBe(404);
    expect((await admin(client.url, "security-defaults", { isEnabled: "yes" })).status).toBe(400);
  });
});
