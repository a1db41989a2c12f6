import { describe, expect, it } from "vitest";
import {
  evaluateMfaCoverage,
  needsGroupMembership,
  needsRoleMembership,
  needsUserKind,
} from "../../src/directory/coverage.js";
import type { ConditionalAccessPolicy } from "../../src/directory/port.js";

const USER = { id: "u1", groupIds: ["g-staff"] };

function policy(
  overrides: Partial<ConditionalAccessPolicy> & {
    users?: NonNullable<ConditionalAccessPolicy["conditions"]["users"]>;
    extra?: Record<string, unknown>;
  } = {},
): ConditionalAccessPolicy {
  const { users, extra, ...rest } = overrides;
  return {
    id: "p1",
    displayName: "Require MFA",
    state: "enabled",
    conditions: {
      users: users ?? { includeUsers: ["All"] },
      applications: { includeApplications: ["All"] },
      clientAppTypes: ["all"],
      ...extra,
    },
    grantControls: { operator: "OR", builtInControls: ["mfa"] },
    ...rest,
  };
}

describe("evaluateMfaCoverage", () => {
  it("counts an enabled policy for all users and all apps that requires MFA", () => {
    expect(evaluateMfaCoverage([policy()], false, USER)).toMatchObject({
      covered: true,
      by: ["Require MFA"],
      notes: [],
    });
  });

  // Issue 9, problem 1: security defaults counted as full coverage.
  it("reports security defaults as their own kind of coverage, not a policy's", () => {
    const result = evaluateMfaCoverage([], true, USER);
    expect(result).toMatchObject({ covered: false, kind: "securityDefaults", by: ["security defaults"] });
    expect(result.notes[0]).toMatch(/security defaults only prompt for MFA when necessary/);
  });

  it("prefers an enforcing policy over security defaults if Graph reports both", () => {
    expect(evaluateMfaCoverage([policy()], true, USER)).toEqual({
      covered: true,
      kind: "conditionalAccess",
      by: ["Require MFA"],
      notes: [],
      gaps: [],
    });
  });

  // Issue 9, problem 1: excludeRoles never excluded anyone.
  it("does not cover a user excluded by a directory role, and names the gap", () => {
    const admins = policy({ users: { includeUsers: ["All"], excludeRoles: ["role-ga"] } });
    expect(evaluateMfaCoverage([admins], false, { ...USER, roleIds: ["role-ga"] })).toEqual({
      covered: false,
      kind: "none",
      by: [],
      notes: ['excluded from "Require MFA" by a directory role'],
      gaps: ["excludedByRole"],
    });
    expect(evaluateMfaCoverage([admins], false, { ...USER, roleIds: ["role-other"] }).covered).toBe(true);
  });

  it("does not cover anyone a policy may exclude by role when the roles could not be read", () => {
    const admins = policy({ users: { includeUsers: ["All"], excludeRoles: ["role-ga"] } });
    const result = evaluateMfaCoverage([admins], false, {
      ...USER,
      rolesUnknownBecause: "the app lacks RoleManagement.Read.Directory to read them",
    });
    expect(result.covered).toBe(false);
    expect(result.notes).toEqual([
      '"Require MFA" excludes directory roles and the user\'s roles could not be read (the app lacks RoleManagement.Read.Directory to read them)',
    ]);
  });

  // Issue 9, problem 1: include/excludeGuestsOrExternalUsers were ignored.
  it("does not cover a guest a guest condition may exclude, and names why", () => {
    const withoutB2b = policy({
      users: {
        includeUsers: ["All"],
        excludeGuestsOrExternalUsers: {
          guestOrExternalUserTypes: "b2bCollaborationGuest,b2bCollaborationMember",
          externalTenants: { membershipKind: "all" },
        },
      },
    });
    const guest = evaluateMfaCoverage([withoutB2b], false, { ...USER, kind: "guestOrExternal" });
    expect(guest).toEqual({
      covered: false,
      kind: "none",
      by: [],
      notes: [
        '"Require MFA" excludes some guests or external users, which the bot cannot evaluate for this user',
      ],
      gaps: ["guestOrExternalUser"],
    });
    // Not read at all: cannot be evaluated either.
    expect(evaluateMfaCoverage([withoutB2b], false, USER).covered).toBe(false);
    // The tenant's own members are none of those types.
    expect(evaluateMfaCoverage([withoutB2b], false, { ...USER, kind: "member" }).covered).toBe(true);
  });

  it("covers guests through the GuestsOrExternalUsers catch-all, and excludes them through it", () => {
    const guestsOnly = policy({ users: { includeUsers: ["GuestsOrExternalUsers"] } });
    expect(evaluateMfaCoverage([guestsOnly], false, { ...USER, kind: "guestOrExternal" }).covered).toBe(true);
    expect(evaluateMfaCoverage([guestsOnly], false, { ...USER, kind: "member" }).covered).toBe(false);
    const noGuests = policy({ users: { includeUsers: ["All"], excludeUsers: ["GuestsOrExternalUsers"] } });
    expect(evaluateMfaCoverage([noGuests], false, { ...USER, kind: "guestOrExternal" })).toMatchObject({
      covered: false,
      notes: ['excluded from "Require MFA" as a guest or external user'],
      gaps: ["guestOrExternalUser"],
    });
  });

  it("does not count a guest included only by a guest condition it cannot evaluate", () => {
    const someGuests = policy({
      users: {
        includeUsers: [],
        includeGuestsOrExternalUsers: {
          guestOrExternalUserTypes: "internalGuest",
          externalTenants: { membershipKind: "all" },
        },
      },
    });
    expect(evaluateMfaCoverage([someGuests], false, { ...USER, kind: "guestOrExternal" })).toMatchObject({
      covered: false,
      gaps: ["guestOrExternalUser"],
    });
  });

  it("falls back to security defaults, as its own kind, for a user no policy covers", () => {
    const admins = policy({ users: { includeUsers: ["All"], excludeRoles: ["role-ga"] } });
    expect(evaluateMfaCoverage([admins], true, { ...USER, roleIds: ["role-ga"] })).toMatchObject({
      covered: false,
      kind: "securityDefaults",
      gaps: ["excludedByRole"],
    });
  });

  it("does not count a report-only policy, and says so", () => {
    expect(
      evaluateMfaCoverage([policy({ state: "enabledForReportingButNotEnforced" })], false, USER),
    ).toMatchObject({
      covered: false,
      by: [],
      notes: ['"Require MFA" is report-only and does not enforce MFA'],
    });
  });

  it("ignores a disabled policy", () => {
    expect(evaluateMfaCoverage([policy({ state: "disabled" })], false, USER)).toMatchObject({
      covered: false,
      by: [],
      notes: [],
    });
  });

  it("does not cover an excluded user", () => {
    const result = evaluateMfaCoverage(
      [policy({ users: { includeUsers: ["All"], excludeUsers: ["u1"] } })],
      false,
      USER,
    );
    expect(result).toMatchObject({ covered: false, by: [], notes: ['excluded from "Require MFA"'] });
  });

  it("does not cover a member of an excluded group", () => {
    const result = evaluateMfaCoverage(
      [policy({ users: { includeUsers: ["All"], excludeGroups: ["g-breakglass", "g-staff"] } })],
      false,
      USER,
    );
    expect(result.covered).toBe(false);
    expect(result.notes).toEqual(['excluded from "Require MFA"']);
  });

  it("covers a user included by id or by group, not someone else", () => {
    const byId = policy({ users: { includeUsers: ["u1"] } });
    const byGroup = policy({ users: { includeGroups: ["g-staff"] } });
    expect(evaluateMfaCoverage([byId], false, USER).covered).toBe(true);
    expect(evaluateMfaCoverage([byGroup], false, USER).covered).toBe(true);
    expect(evaluateMfaCoverage([byId, byGroup], false, { id: "u2", groupIds: [] })).toMatchObject({
      covered: false,
      by: [],
      notes: [],
    });
  });

  it("does not count MFA offered as an OR alternative to a non-MFA control", () => {
    const result = evaluateMfaCoverage(
      [policy({ grantControls: { operator: "OR", builtInControls: ["mfa", "compliantDevice"] } })],
      false,
      USER,
    );
    expect(result).toMatchObject({
      covered: false,
      by: [],
      notes: [
        '"Require MFA" can be satisfied without MFA (an OR alternative or a single-factor authentication strength)',
      ],
    });
  });

  it("counts MFA required together with another control (AND)", () => {
    const result = evaluateMfaCoverage(
      [policy({ grantControls: { operator: "AND", builtInControls: ["mfa", "compliantDevice"] } })],
      false,
      USER,
    );
    expect(result.covered).toBe(true);
  });

  it("counts an authentication strength, unless it allows a password alone", () => {
    const strength = policy({
      grantControls: {
        operator: "OR",
        authenticationStrength: {
          id: "00000000-0000-0000-0000-000000000002",
          displayName: "Multifactor authentication",
          allowedCombinations: ["password,microsoftAuthenticatorPush", "windowsHelloForBusiness", "fido2"],
        },
      },
    });
    expect(evaluateMfaCoverage([strength], false, USER).covered).toBe(true);
    const passwordOnly = policy({
      grantControls: {
        operator: "OR",
        authenticationStrength: { displayName: "Weak", allowedCombinations: ["password"] },
      },
    });
    expect(evaluateMfaCoverage([passwordOnly], false, USER)).toMatchObject({
      covered: false,
      by: [],
      notes: [],
    });
  });

  it("does not count an authentication strength that also accepts a single factor, and says so", () => {
    const mixed = policy({
      grantControls: {
        operator: "OR",
        authenticationStrength: { displayName: "Mixed", allowedCombinations: ["fido2", "password"] },
      },
    });
    expect(evaluateMfaCoverage([mixed], false, USER)).toMatchObject({
      covered: false,
      by: [],
      notes: [
        '"Require MFA" can be satisfied without MFA (an OR alternative or a single-factor authentication strength)',
      ],
    });
    const smsAlone = policy({
      grantControls: { operator: "AND", authenticationStrength: { allowedCombinations: ["sms"] } },
    });
    expect(evaluateMfaCoverage([smsAlone], false, USER).covered).toBe(false);
  });

  it("counts MFA OR a satisfying authentication strength (every way is MFA)", () => {
    const both = policy({
      grantControls: {
        operator: "OR",
        builtInControls: ["mfa"],
        authenticationStrength: { allowedCombinations: ["password,sms", "fido2"] },
      },
    });
    expect(evaluateMfaCoverage([both], false, USER).covered).toBe(true);
  });

  it("does not count a policy that blocks or asks only for a compliant device", () => {
    for (const controls of [["block"], ["compliantDevice"], []]) {
      expect(
        evaluateMfaCoverage(
          [policy({ grantControls: { operator: "OR", builtInControls: controls } })],
          false,
          USER,
        ),
      ).toMatchObject({ covered: false, by: [], notes: [] });
    }
    expect(evaluateMfaCoverage([policy({ grantControls: null })], false, USER).covered).toBe(false);
  });

  it("does not count a policy limited to some applications", () => {
    const result = evaluateMfaCoverage(
      [
        policy({
          conditions: {
            users: { includeUsers: ["All"] },
            applications: { includeApplications: ["00000003-0000-0ff1-ce00-000000000000"] },
          },
        }),
      ],
      false,
      USER,
    );
    expect(result).toMatchObject({
      covered: false,
      by: [],
      notes: ['"Require MFA" covers only some applications'],
    });
  });

  it.each([
    ["platforms", { platforms: { includePlatforms: ["android", "iOS"], excludePlatforms: [] } }],
    ["platforms", { platforms: { includePlatforms: ["all"], excludePlatforms: ["windows"] } }],
    ["locations", { locations: { includeLocations: ["All"], excludeLocations: ["AllTrusted"] } }],
    ["client app types", { clientAppTypes: ["browser", "mobileAppsAndDesktopClients"] }],
    ["user risk", { userRiskLevels: ["high"] }],
    ["sign-in risk", { signInRiskLevels: ["medium", "high"] }],
  ])("notes a policy narrowed by %s and does not count it", (label, extra) => {
    const result = evaluateMfaCoverage([policy({ extra })], false, USER);
    expect(result).toMatchObject({
      covered: false,
      by: [],
      notes: [`"Require MFA" is narrowed by ${label}`],
    });
  });

  it("does not treat empty or all-inclusive conditions as narrowing", () => {
    const result = evaluateMfaCoverage(
      [
        policy({
          extra: {
            platforms: { includePlatforms: ["all"], excludePlatforms: [] },
            locations: { includeLocations: ["All"], excludeLocations: [] },
            userRiskLevels: [],
            signInRiskLevels: [],
            insiderRiskLevels: null,
            devices: null,
          },
        }),
      ],
      false,
      USER,
    );
    expect(result.covered).toBe(true);
  });

  it("notes excluded applications as narrowing", () => {
    const result = evaluateMfaCoverage(
      [
        policy({
          conditions: {
            users: { includeUsers: ["All"] },
            applications: { includeApplications: ["All"], excludeApplications: ["app-1"] },
          },
        }),
      ],
      false,
      USER,
    );
    expect(result.notes).toEqual(['"Require MFA" is narrowed by excluded applications']);
    expect(result.covered).toBe(false);
  });

  it("is covered when one policy counts even if others do not", () => {
    const result = evaluateMfaCoverage(
      [
        policy({ id: "p0", displayName: "Pilot", state: "enabledForReportingButNotEnforced" }),
        policy({ id: "p1", displayName: "Everyone" }),
      ],
      false,
      USER,
    );
    expect(result).toMatchObject({
      covered: true,
      by: ["Everyone"],
      notes: ['"Pilot" is report-only and does not enforce MFA'],
    });
  });

  it("says when a role-based policy could not be checked", () => {
    const result = evaluateMfaCoverage(
      [policy({ users: { includeRoles: ["62e90394-69f5-4237-9190-012177145e10"] } })],
      false,
      USER,
    );
    expect(result.covered).toBe(false);
    expect(result.notes).toEqual([
      '"Require MFA" applies to directory roles; role membership was not checked',
    ]);
    expect(
      evaluateMfaCoverage([policy({ users: { includeRoles: ["r1"] } })], false, { ...USER, roleIds: ["r1"] })
        .covered,
    ).toBe(true);
  });
});

describe("needsRoleMembership and needsUserKind", () => {
  it("ask for roles only when an enforcing policy names roles, and for the user's kind only for a guest condition", () => {
    expect(needsRoleMembership([policy()])).toBe(false);
    expect(needsRoleMembership([policy({ users: { includeUsers: ["All"], excludeRoles: ["r"] } })])).toBe(
      true,
    );
    expect(
      needsRoleMembership([
        policy({ state: "enabledForReportingButNotEnforced", users: { includeRoles: ["r"] } }),
      ]),
    ).toBe(false);
    expect(needsUserKind([policy()])).toBe(false);
    expect(
      needsUserKind([policy({ users: { includeUsers: ["All"], excludeUsers: ["GuestsOrExternalUsers"] } })]),
    ).toBe(true);
    expect(
      needsUserKind([
        policy({
          users: {
            includeUsers: ["All"],
            excludeGuestsOrExternalUsers: { guestOrExternalUserTypes: "internalGuest" },
          },
        }),
      ]),
    ).toBe(true);
  });
});

describe("needsGroupMembership", () => {
  it("is true only when an enabled policy includes or excludes groups", () => {
    expect(needsGroupMembership([policy()])).toBe(false);
    expect(needsGroupMembership([policy({ users: { includeUsers: ["All"], excludeGroups: ["g"] } })])).toBe(
      true,
    );
    expect(needsGroupMembership([policy({ users: { includeGroups: ["g"] } })])).toBe(true);
    expect(needsGroupMembership([policy({ state: "disabled", users: { includeGroups: ["g"] } })])).toBe(
      false,
    );
  });
});
