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
        excludeRoles: [],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: null,
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
  it("is covered by security defaults without reading policies", async () => {
    nock(GRAPH).get(DEFAULTS).reply(200, { isEnabled: true });
    const { directory } = makeDirectory();
    expect(await directory.mfaCoverage("u1")).toEqual({
      covered: true,
      by: ["security defaults"],
      notes: [],
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
      by: ["MFA for everyone"],
      notes: ['"Report-only" is report-only and does not enforce MFA'],
    });
    expect(await directory.mfaCoverage("u2")).toEqual({
      covered: false,
      by: [],
      notes: ['excluded from "MFA for everyone"', '"Report-only" is report-only and does not enforce MFA'],
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
    expect(await directory.mfaCoverage("u1")).toEqual({ covered: true, by: ["MFA for staff"], notes: [] });
  });
});
