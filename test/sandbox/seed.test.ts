import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BENCH_GROUP_ID,
  defaultSeed,
  generateSeed,
  loadSeedFile,
  PHONE_METHOD_IDS,
  parseSeed,
  SANDBOX_ACCOUNTS,
  SANDBOX_GROUPS,
  SANDBOX_SAMPLE_USERS,
  SandboxTenant,
  SeedError,
  startSandbox,
} from "../../src/sandbox/index.js";

const validUser = {
  id: "11111111-1111-4111-8111-111111111111",
  userPrincipalName: "a@contoso.com",
  displayName: "A",
};

describe("seed validation", () => {
  it("applies defaults", () => {
    const seed = parseSeed({ users: [validUser] });
    expect(seed).toMatchObject({
      premium: true,
      securityDefaultsEnabled: false,
      groups: [],
      conditionalAccessPolicies: [],
    });
    expect(seed.users[0]).toMatchObject({
      accountEnabled: true,
      perUserMfaState: "disabled",
      mustReregister: false,
      isAdmin: false,
      methods: [],
    });
  });

  it.each([
    [{ users: [{ ...validUser, id: "not-a-guid" }] }, /users\[0\]\.id/],
    [{ users: [{ ...validUser, extra: 1 }] }, /users\[0\].*extra/],
    [{ users: [{ ...validUser, perUserMfaState: "on" }] }, /users\[0\]\.perUserMfaState/],
    [
      { users: [validUser, { ...validUser, userPrincipalName: "b@contoso.com" }] },
      /users\[1\]\.id: duplicate id/,
    ],
    [
      {
        users: [
          validUser,
          { ...validUser, id: "22222222-2222-4222-8222-222222222222", userPrincipalName: "A@contoso.com" },
        ],
      },
      /duplicate UPN/,
    ],
    [
      {
        users: [
          { ...validUser, methods: [{ id: "x", type: "phone", phoneType: "mobile", phoneNumber: "+1 1" }] },
        ],
      },
      /users\[0\]\.methods\[0\]\.id: a mobile phone has the id 3179e48a/,
    ],
    [
      {
        users: [
          { ...validUser, methods: [{ id: PHONE_METHOD_IDS.office, type: "phone", phoneType: "office" }] },
        ],
      },
      /phoneNumber/,
    ],
    [{ users: [{ ...validUser, defaultMethod: "nope" }] }, /users\[0\]\.defaultMethod/],
    [
      {
        groups: [
          {
            id: "33333333-3333-4333-8333-333333333333",
            displayName: "G",
            members: ["44444444-4444-4444-8444-444444444444"],
          },
        ],
      },
      /groups\[0\]\.members\[0\]: no user or group/,
    ],
    [{ premium: "yes" }, /premium/],
    [{ userz: [] }, /userz/],
  ])("names the bad field (%#)", (input, message) => {
    expect(() => parseSeed(input, "seed test.json")).toThrow(SeedError);
    expect(() => parseSeed(input, "seed test.json")).toThrow(message);
    expect(() => parseSeed(input, "seed test.json")).toThrow(/^invalid sandbox seed test\.json: /);
  });

  it("reports a missing or non-JSON seed file clearly, and startSandbox refuses it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mfa-bot-seed-"));
    try {
      const bad = join(dir, "bad.json");
      await writeFile(bad, "{ not json");
      await expect(loadSeedFile(bad)).rejects.toThrow(`sandbox seed ${bad} is not JSON`);
      await expect(loadSeedFile(join(dir, "missing.json"))).rejects.toThrow(/cannot read sandbox seed/);
      const invalid = join(dir, "invalid.json");
      await writeFile(invalid, JSON.stringify({ users: [{ id: 1 }] }));
      await expect(startSandbox({ seed: invalid })).rejects.toThrow(/users\[0\]\.id/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("normalises a seed that says enabled for a registered user to enforced, unless re-registration is due", () => {
    const tenant = new SandboxTenant(
      parseSeed({
        users: [
          { ...validUser, perUserMfaState: "enabled", methods: [{ id: "m", type: "softwareOath" }] },
          {
            ...validUser,
            id: "22222222-2222-4222-8222-222222222222",
            userPrincipalName: "b@contoso.com",
            perUserMfaState: "enabled",
            mustReregister: true,
            methods: [{ id: "m", type: "softwareOath" }],
          },
        ],
      }),
    );
    expect(tenant.user("a@contoso.com")?.perUserMfaState).toBe("enforced");
    expect(tenant.user("b@contoso.com")?.perUserMfaState).toBe("enabled");
  });
});

describe("default seed", () => {
  const seed = defaultSeed();
  const byUpn = (upn: string) => seed.users.find((u) => u.userPrincipalName === upn);

  it("is deterministic", () => {
    expect(defaultSeed()).toEqual(seed);
    expect(JSON.stringify(defaultSeed())).toBe(JSON.stringify(seed));
  });

  it("has about 36 users on contoso.com in every state, registered and not", () => {
    expect(seed.users.length).toBe(36);
    const some = (state: string, registered: boolean, mustReregister = false) =>
      seed.users.some(
        (u) =>
          u.perUserMfaState === state &&
          u.methods.length > 0 === registered &&
          u.mustReregister === mustReregister,
      );
    expect(some("disabled", false)).toBe(true);
    expect(some("disabled", true)).toBe(true);
    expect(some("enabled", false)).toBe(true);
    expect(some("enabled", true, true)).toBe(true);
    expect(some("enforced", true)).toBe(true);
    expect(
      seed.users.filter((u) => u.perUserMfaState === "enforced").every((u) => u.methods.length > 0),
    ).toBe(true);
    expect(seed.users.filter((u) => u.mustReregister)).toHaveLength(2);
    expect(
      seed.users
        .filter((u) => u.mustReregister)
        .every((u) => u.perUserMfaState === "enabled" && u.methods.length > 0),
    ).toBe(true);
    expect(seed.users.some((u) => !u.accountEnabled)).toBe(true);
    // No one is enabled with a registration unless re-registration is due (Entra would show them enforced).
    const tenant = new SandboxTenant(seed);
    for (const u of seed.users) expect(tenant.user(u.id)?.perUserMfaState).toBe(u.perUserMfaState);
  });

  it("has the named accounts, the break-glass one excluded from both CA policies", () => {
    for (const account of Object.values(SANDBOX_ACCOUNTS)) {
      expect(byUpn(account.userPrincipalName)?.id).toBe(account.id);
    }
    expect(SANDBOX_ACCOUNTS.breakglass.userPrincipalName).toBe("breakglass@contoso.com");
    expect(SANDBOX_ACCOUNTS.helpdesk.userPrincipalName).toBe("helpdesk@contoso.com");
    expect(SANDBOX_ACCOUNTS.admin.userPrincipalName).toBe("admin@contoso.com");
    expect(SANDBOX_ACCOUNTS.manager.userPrincipalName).toBe("manager@contoso.com");
    expect(byUpn("admin@contoso.com")?.isAdmin).toBe(true);
    const [reportOnly, members] = seed.conditionalAccessPolicies;
    expect(seed.conditionalAccessPolicies).toHaveLength(2);
    expect(reportOnly).toMatchObject({
      state: "enabledForReportingButNotEnforced",
      conditions: { users: { includeUsers: ["All"], excludeUsers: [SANDBOX_ACCOUNTS.breakglass.id] } },
    });
    // Enforcing, but not for Global Administrators (admin holds the role) nor B2B guests.
    expect(members).toMatchObject({
      state: "enabled",
      conditions: {
        users: {
          includeUsers: ["All"],
          excludeUsers: [SANDBOX_ACCOUNTS.breakglass.id],
          excludeRoles: ["62e90394-69f5-4237-9190-012177145e10"],
          excludeGuestsOrExternalUsers: {
            guestOrExternalUserTypes: "b2bCollaborationGuest,b2bCollaborationMember",
          },
        },
      },
    });
    expect(seed.directoryRoles.find((r) => r.displayName === "Global Administrator")?.members).toContain(
      SANDBOX_ACCOUNTS.admin.id,
    );
    // A tenant that uses Conditional Access has security defaults off (Entra requires it).
    expect(seed.securityDefaultsEnabled).toBe(false);
    expect(seed.premium).toBe(true);
  });

  it("has a user with a default method among several, and one with mobile and alternate mobile", () => {
    const allan = byUpn(SANDBOX_SAMPLE_USERS.severalMethods.userPrincipalName)!;
    const ids = allan.methods.map((m) => m.id);
    expect(ids).toContain(PHONE_METHOD_IDS.mobile);
    expect(ids).toContain(PHONE_METHOD_IDS.alternateMobile);
    expect(ids).toContain(allan.defaultMethod);
    expect(allan.defaultMethod).not.toBe(PHONE_METHOD_IDS.mobile);
  });

  it("has a Finance group of 10 through a nested group", () => {
    const tenant = new SandboxTenant(seed);
    const finance = seed.groups.find((g) => g.id === SANDBOX_GROUPS.finance.id)!;
    expect(finance.members).toContain(SANDBOX_GROUPS.financeControllers.id);
    expect(tenant.transitiveUserMembers(finance.id)).toHaveLength(10);
  });
});

describe("generateSeed", () => {
  it("makes N disabled, unregistered bench users with stable ids, in one group", () => {
    const seed = generateSeed({ users: 12 });
    const bench = seed.users.filter((u) => u.userPrincipalName.endsWith("@bench.contoso.com"));
    expect(bench).toHaveLength(12);
    expect(bench[0]!.userPrincipalName).toBe("user0001@bench.contoso.com");
    expect(bench[11]!.userPrincipalName).toBe("user0012@bench.contoso.com");
    expect(bench.every((u) => u.perUserMfaState === "disabled" && u.methods.length === 0)).toBe(true);
    expect(generateSeed({ users: 12 })).toEqual(seed);
    expect(seed.groups.find((g) => g.id === BENCH_GROUP_ID)?.members).toEqual(bench.map((u) => u.id));
    expect(seed.users.some((u) => u.userPrincipalName === SANDBOX_ACCOUNTS.admin.userPrincipalName)).toBe(
      true,
    );
    expect(generateSeed({ users: 12_345 }).users.at(-1)?.userPrincipalName).toBe(
      "user12345@bench.contoso.com",
    );
    expect(() => generateSeed({ users: -1 })).toThrow(RangeError);
  });
});
