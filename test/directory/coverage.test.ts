import { describe, expect, it } from "vitest";
import { evaluateMfaCoverage, needsGroupMembership } from "../../src/directory/coverage.js";
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
    expect(evaluateMfaCoverage([policy()], false, USER)).toEqual({
      covered: true,
      by: ["Require MFA"],
      notes: [],
    });
  });

  it("security defaults cover everyone", () => {
    expect(evaluateMfaCoverage([], true, USER)).toEqual({
      covered: true,
      by: ["security defaults"],
      notes: [],
    });
  });

  it("does not count a report-only policy, and says so", () => {
    expect(
      evaluateMfaCoverage([policy({ state: "enabledForReportingButNotEnforced" })], false, USER),
    ).toEqual({
      covered: false,
      by: [],
      notes: ['"Require MFA" is report-only and does not enforce MFA'],
    });
  });

  it("ignores a disabled policy", () => {
    expect(evaluateMfaCoverage([policy({ state: "disabled" })], false, USER)).toEqual({
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
    expect(result).toEqual({ covered: false, by: [], notes: ['excluded from "Require MFA"'] });
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
    expect(evaluateMfaCoverage([byId, byGroup], false, { id: "u2", groupIds: [] })).toEqual({
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
    expect(result).toEqual({
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
    expect(evaluateMfaCoverage([passwordOnly], false, USER)).toEqual({ covered: false, by: [], notes: [] });
  });

  it("does not count an authentication strength that also accepts a single factor, and says so", () => {
    const mixed = policy({
      grantControls: {
        operator: "OR",
        authenticationStrength: { displayName: "Mixed", allowedCombinations: ["fido2", "password"] },
      },
    });
    expect(evaluateMfaCoverage([mixed], false, USER)).toEqual({
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
      ).toEqual({ covered: false, by: [], notes: [] });
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
    expect(result).toEqual({
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
    expect(result).toEqual({ covered: false, by: [], notes: [`"Require MFA" is narrowed by ${label}`] });
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
    expect(result).toEqual({
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
