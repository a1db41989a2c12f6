import { describe, expect, it } from "vitest";
import { defaultSeed, SANDBOX_ACCOUNTS, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/index.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();
const report = "/v1.0/reports/authenticationMethods/userRegistrationDetails";

describe("registration report", () => {
  it("lags behind changes by reportLatencyMs, as the report does", async () => {
    let now = 1_700_000_000_000;
    const client = await start({
      reportLatencyMs: 3 * 3600_000,
      now: () => now,
      tokenLifetimeSeconds: 86_400,
    });
    const allan = SANDBOX_SAMPLE_USERS.severalMethods;
    const first = await client.get(`${report}/${allan.id}`);
    expect(first.body.isMfaRegistered).toBe(true);
    client.sandbox.tenant.setMethods(allan.id, []);
    now += 2 * 3600_000;
    expect((await client.get(`${report}/${allan.id}`)).body).toMatchObject({
      isMfaRegistered: true,
      lastUpdatedDateTime: first.body.lastUpdatedDateTime,
    });
    now += 3600_000;
    expect((await client.get(`${report}/${allan.id}`)).body).toMatchObject({
      isMfaRegistered: false,
      methodsRegistered: [],
    });
  });

  it("describes one user in Graph's shape", async () => {
    const client = await start();
    const allan = SANDBOX_SAMPLE_USERS.severalMethods;
    const reply = await client.get(`${report}/${allan.id}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: allan.id,
      userPrincipalName: allan.userPrincipalName,
      userDisplayName: "Allan Deyoung",
      userType: "member",
      isAdmin: false,
      isMfaCapable: true,
      isMfaRegistered: true,
      isSsprRegistered: true,
      methodsRegistered: ["microsoftAuthenticatorPush", "mobilePhone", "alternateMobilePhone"],
      userPreferredMethodForSecondaryAuthentication: "push",
    });
    expect(reply.body.lastUpdatedDateTime).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(reply.body).not.toHaveProperty("defaultMfaMethod");
    const beta = await client.get(`/beta/reports/authenticationMethods/userRegistrationDetails/${allan.id}`);
    expect(beta.body.defaultMfaMethod).toBe("microsoftAuthenticatorPush");
  });

  it("lists enabled accounts only, pages, and filters on isMfaRegistered and methodsRegistered", async () => {
    const client = await start();
    const seed = defaultSeed();
    const all: { id: string; isMfaRegistered: boolean }[] = [];
    let next: string | undefined = `${report}?$top=10`;
    while (next) {
      const page = await client.get(next);
      expect(page.status).toBe(200);
      all.push(...page.body.value);
      next = page.body["@odata.nextLink"];
    }
    expect(all).toHaveLength(seed.users.filter((u) => u.accountEnabled).length);

    const unregistered = await client.get(
      `${report}?$filter=${encodeURIComponent("isMfaRegistered eq false")}&$top=999`,
    );
    expect(unregistered.body.value.length).toBe(all.filter((u) => !u.isMfaRegistered).length);
    expect(unregistered.body.value.every((u: { isMfaRegistered: boolean }) => !u.isMfaRegistered)).toBe(true);

    const email = await client.get(
      `${report}?$filter=${encodeURIComponent("methodsRegistered/any(x:x eq 'email')")}`,
    );
    expect(email.body.value.map((u: { userPrincipalName: string }) => u.userPrincipalName).sort()).toEqual([
      "jonis@contoso.com",
      "sandyw@contoso.com",
    ]);
  });

  it("leaves out disabled accounts", async () => {
    const client = await start();
    const disabled = defaultSeed().users.find((u) => !u.accountEnabled)!;
    expect((await client.get(`${report}/${disabled.id}`)).status).toBe(404);
  });

  it("answers 403 on a tenant without Entra ID P1/P2", async () => {
    const client = await start({ seed: { premium: false, users: [] } });
    for (const path of [report, `${report}/${SANDBOX_ACCOUNTS.admin.id}`]) {
      const reply = await client.get(path);
      expect(reply.status).toBe(403);
      expect(reply.body.error.code).toBe("Authentication_RequestFromNonPremiumTenantOrB2CTenant");
    }
  });
});
