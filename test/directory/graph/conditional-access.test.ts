import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GRAPH, graphError, makeDirectory, mockToken } from "./graph-fakes.js";

const POLICIES = "/v1.0/identity/conditionalAccess/policies";
const DEFAULTS = "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy";

/** A policy as Graph returns it, nulls and all. */
function policy(overrides: {
  id: string;
  displayName: string;
  state?: string;
  includeGroups?: string[];
  excludeUsers?: string[];
  excludeRoles?: string[];
  excludeGuestsOrExternalUsers?: Record<string, unknown>;
}) {
  return {
    id: overrides.id,
    displayName: overrides.displayName,
    createdDateTime: "2024-01-01T00:00:00Z",
    modifiedDateTime: null,
    state: overrides.state ?? "enabled",
    sessionControls: null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: ["all"],
      servicePrincipalRiskLevels: [],
      insiderRiskLevels: null,
      platforms: null,
      locations: null,
      devices: null,
      clientApplications: null,
      authenticationFlows: null,
      applications: {
        includeApplications: ["All"],
        excludeApplications: [],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: [],
        applicationFilter: null,
      },
      users: {
        includeUsers: overrides.includeGroups ? [] : ["All"],
        excludeUsers: overrides.excludeUsers ?? [],
        includeGroups: overrides.includeGroups ?? [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: overrides.excludeRoles ?? [],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: overrides.excludeGuestsOrExternalUsers ?? null,
      },
    },
    grantControls: {
      operator: "OR",
      builtInControls: ["mfa"],
      customAuthenticationFactors: [],
      termsOfUse: [],
      authenticationStrength: null,
    },
  };
}

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  mockToken();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe("caPolicies", () => {
  it("reads every page, drops Graph's nulls, and caches for 60 s", async () => {
    const first = nock(GRAPH)
      .get(POLICIES)
      .reply(200, {
        "@odata.nextLink": `${GRAPH}${POLICIES}?$skiptoken=2`,
        value: [policy({ id: "p1", displayName: "Require MFA for all users" })],
      })
      .get(POLICIES)
      .query({ $skiptoken: "2" })
      .reply(200, {
        value: [
          policy({ id: "p2", displayName: "Report-only MFA", state: "enabledForReportingButNotEnforced" }),
        ],
      });
    const { directory, timing } = makeDirectory();
    const policies = await directory.caPolicies();
    expect(first.isDone()).toBe(true);
    expect(policies.map((p) => [p.id, p.state])).toEqual([
      ["p1", "enabled"],
      ["p2", "enabledForReportingButNotEnforced"],
    ]);
    expect(policies[0]!.conditions.users).toEqual({
      includeUsers: ["All"],
      excludeUsers: [],
      includeGroups: [],
      excludeGroups: [],
      includeRoles: [],
      excludeRoles: [],
    });
    expect(policies[0]!.grantControls).toEqual({ operator: "OR", builtInControls: ["mfa"] });

    // Within a minute: from the cache (no interceptor left, a request would fail the test).
    await timing.sleep(59_000);
    expect(await directory.caPolicies()).toHaveLength(2);
    nock(GRAPH).get(POLICIES).reply(200, { value: [] });
    await timing.sleep(2_000);
    expect(await directory.caPolicies()).toEqual([]);
  });

  it("shares one request between concurrent callers", async () => {
    const scope = nock(GRAPH)
      .get(POLICIES)
      .reply(200, { value: [policy({ id: "p1", displayName: "MFA" })] });
    const { directory } = makeDirectory();
    const results = await Promise.all([
      directory.caPolicies(),
      directory.caPolicies(),
      directory.caPolicies(),
    ]);
    expect(results.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(scope.isDone()).toBe(true);
  });

  it("names Policy.Read.All when it is missing", async () => {
    nock(GRAPH)
      .get(POLICIES)
      .reply(403, graphError("AccessDenied", "You cannot perform the requested operation"));
    const { directory } = makeDirectory();
    await expect(directory.caPolicies()).rejects.toMatchObject({
      userMessage: expect.stringContaining("the app lacks Policy.Read.All"),
    });
  });
});

describe("securityDefaultsEnabled", () => {
  it("reads isEnabled and caches it", async () => {
    nock(GRAPH).get(DEFAULTS).reply(200, {
      "@odata.context":
        "https://graph.microsoft.com/v1.0/$metadata#policies/identitySecurityDefaultsEnforcementPolicy/$entity",
      id: "00000000-0000-0000-0000-000000000005",
      displayName: "Security Defaults",
      description:
        "Security defaults is a set of basic identity security mechanisms recommended by Microsoft.",
      isEnabled: true,
    });
    const { directory } = makeDirectory();
    expect(await directory.securityDefaultsEnabled()).toBe(true);
    expect(await directory.securityDefaultsEnabled()).toBe(true);
  });
});

describe("mfaCoverage", () => {
  it("reports security defaults as their own kind when no policy covers the user", async () => {
    nock(GRAPH).get(DEFAULTS).reply(200, { isEnabled: true });
    nock(GRAPH).get(POLICIES).reply(200, { value: [] });
    const { directory } = makeDirectory();
    const coverage = await directory.mfaCoverage("u1");
    expect(coverage).toMatchObject({
      covered: false,
      kind: "securityDefaults",
      by: ["security defaults"],
      gaps: [],
    });
    expect(coverage.notes).toEqual([expect.stringMatching(/only prompt for MFA when necessary/)]);
  });

  it("reads the user's directory roles only when an enforcing policy names roles", async () => {
    nock(GRAPH).get(DEFAULTS).reply(200, { isEnabled: false });
    nock(GRAPH)
      .get(POLICIES)
      .reply(200, {
        value: [policy({ id: "p1", displayName: "MFA but not GA", excludeRoles: ["tpl-ga"] })],
      });
    const roles = nock(GRAPH)
      .get("/v1.0/users/u1/transitiveMemberOf/microsoft.graph.directoryRole")
      .query({ $select: "id,roleTemplateId" })
      .matchHeader("ConsistencyLevel", "eventual")
      .reply(200, {
        value: [{ "@odata.type": "#microsoft.graph.directoryRole", id: "r1", roleTemplateId: "tpl-ga" }],
      });
    nock(GRAPH)
      .get("/v1.0/users/u2/transitiveMemberOf/microsoft.graph.directoryRole")
      .query(true)
      // Without a directory-read permission Graph returns the role with its id only.
      .reply(200, { value: [{ "@odata.type": "#microsoft.graph.directoryRole", id: "r1" }] });
    const { directory } = makeDirectory();
    expect(await directory.mfaCoverage("u1")).toMatchObject({ covered: false, gaps: ["excludedByRole"] });
    expect(roles.isDone()).toBe(true);
    const unknown = await directory.mfaCoverage("u2");
    expect(unknown.covered).toBe(false);
    expect(unknown.notes.join("\n")).toMatch(/RoleManagement\.Read\.Directory/);
  });

  it("reads whether the user is a guest only when an enforcing policy has a guest condition", async () => {
    nock(GRAPH).get(DEFAULTS).reply(200, { isEnabled: false });
    nock(GRAPH)
      .get(POLICIES)
      .reply(200, {
        value: [
          policy({
            id: "p1",
            displayName: "MFA for members",
            excludeGuestsOrExternalUsers: {
              guestOrExternalUserTypes: "b2bCollaborationGuest",
              externalTenants: { membershipKind: "all" },
            },
          }),
        ],
      });
    const select = { $select: "id,userPrincipalName,userType,externalUserState" };
    nock(GRAPH).get("/v1.0/users/u1").query(select).reply(200, {
      id: "u1",
      userPrincipalName: "a@contoso.com",
      userType: "Member",
      externalUserState: null,
    });
    nock(GRAPH).get("/v1.0/users/u2").query(select).reply(200, {
      id: "u2",
      userPrincipalName: "kim_fabrikam.com#EXT#@contoso.com",
      userType: "Guest",
      externalUserState: "Accepted",
    });
    const { directory } = makeDirectory();
    expect(await directory.mfaCoverage("u1")).toMatchObject({ covered: true, kind: "conditionalAccess" });
    expect(await directory.mfaCoverage("u2")).toMatchObject({
      covered: false,
      gaps: ["guestOrExternalUser"],
    });
  });

  it("evaluates policies without asking for groups when no policy names a group", async () => {
    nock(GRAPH).get(DEFAULTS).reply(200, { isEnabled: false });
    nock(GRAPH)
      .get(POLICIES)
      .reply(200, {
        value: [
          policy({ id: "p1", displayName: "MFA for everyone", excludeUsers: ["u2"] }),
          policy({ id: "p2", displayName: "Report-only", state: "enabledForReportingButNotEnforced" }),
        ],
      });
    const { directory } = makeDirectory();
    expect(await directory.mfaCoverage("u1")).toEqual({
      covered: true,
      kind: "conditionalAccess",
      by: ["MFA for everyone"],
      notes: ['"Report-only" is report-only and does not enforce MFA'],
      gaps: [],
    });
    expect(await directory.mfaCoverage("u2")).toEqual({
      covered: false,
      kind: "none",
      by: [],
      notes: ['excluded from "MFA for everyone"', '"Report-only" is report-only and does not enforce MFA'],
      gaps: [],
    });
  });

  it("reads the user's groups when a policy includes a group", async () => {
    nock(GRAPH).get(DEFAULTS).reply(200, { isEnabled: false });
    nock(GRAPH)
      .get(POLICIES)
      .reply(200, {
        value: [policy({ id: "p1", displayName: "MFA for staff", includeGroups: ["g-staff"] })],
      });
    nock(GRAPH)
      .get("/v1.0/users/u1/transitiveMemberOf/microsoft.graph.group")
      .query({ $select: "id" })
      .reply(200, { value: [{ id: "g-other" }, { id: "g-staff" }] });
    const { directory } = makeDirectory();
    expect(await directory.mfaCoverage("u1")).toEqual({
      covered: true,
      kind: "conditionalAccess",
      by: ["MFA for staff"],
      notes: [],
      gaps: [],
    });
  });
});
