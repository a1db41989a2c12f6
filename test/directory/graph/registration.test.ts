import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GRAPH, graphError, makeDirectory, mockToken } from "./graph-fakes.js";
import { METHODS_RESPONSE, PASSWORD_ONLY } from "./methods-fixtures.js";

const REPORT = "/v1.0/reports/authenticationMethods/userRegistrationDetails";
const METHODS = "/v1.0/users/u1/authentication/methods";
const NON_PREMIUM = graphError(
  "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
  "Neither tenant is B2C or tenant doesn't have premium license",
);
const FROM_METHODS = {
  isMfaRegistered: true,
  isMfaCapable: true,
  methodsRegistered: [
    "mobilePhone",
    "microsoftAuthenticatorPush",
    "alternateMobilePhone",
    "email",
    "softwareOneTimePasscode",
  ],
  defaultMethod: null,
  source: "methods",
};

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  mockToken();
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe("getRegistration", () => {
  it("reads the registration report", async () => {
    nock(GRAPH)
      .get(`${REPORT}/u1`)
      .reply(200, {
        "@odata.context":
          "https://graph.microsoft.com/v1.0/$metadata#reports/authenticationMethods/userRegistrationDetails/$entity",
        id: "u1",
        userPrincipalName: "alice@contoso.com",
        userDisplayName: "Alice Adams",
        userType: "member",
        isAdmin: false,
        isSsprRegistered: false,
        isSsprEnabled: false,
        isSsprCapable: false,
        isMfaRegistered: true,
        isMfaCapable: true,
        isPasswordlessCapable: false,
        methodsRegistered: ["microsoftAuthenticatorPush", "softwareOneTimePasscode"],
        isSystemPreferredAuthenticationMethodEnabled: false,
        systemPreferredAuthenticationMethods: [],
        userPreferredMethodForSecondaryAuthentication: "push",
        lastUpdatedDateTime: "2025-01-01T00:00:00Z",
      });
    const { directory } = makeDirectory();
    expect(await directory.getRegistration("u1")).toEqual({
      isMfaRegistered: true,
      isMfaCapable: true,
      methodsRegistered: ["microsoftAuthenticatorPush", "softwareOneTimePasscode"],
      defaultMethod: "push",
      isAdmin: false,
      source: "report",
    });
  });

  it("treats a preferred method of none as no default", async () => {
    nock(GRAPH).get(`${REPORT}/u1`).reply(200, {
      id: "u1",
      isMfaRegistered: false,
      isMfaCapable: false,
      methodsRegistered: [],
      userPreferredMethodForSecondaryAuthentication: "none",
    });
    const { directory } = makeDirectory();
    expect(await directory.getRegistration("u1")).toMatchObject({
      isMfaRegistered: false,
      defaultMethod: null,
    });
  });

  it("falls back to the methods list on a non-premium tenant, and stops asking the report", async () => {
    const report = nock(GRAPH).get(`${REPORT}/u1`).reply(403, NON_PREMIUM);
    nock(GRAPH).get(METHODS).times(2).reply(200, METHODS_RESPONSE);
    const { directory } = makeDirectory();
    expect(await directory.getRegistration("u1")).toEqual(FROM_METHODS);
    expect(report.isDone()).toBe(true);
    // A second report request would find no interceptor and fail the test.
    expect(await directory.getRegistration("u1")).toEqual(FROM_METHODS);
  });

  // Issue 9, problem 4: one non-premium answer used to switch the report off for good.
  it("believes a not-premium answer for MFA_BOT_REPORT_RETRY_MINUTES only, then asks the report again", async () => {
    nock(GRAPH).get(`${REPORT}/u1`).reply(403, NON_PREMIUM);
    nock(GRAPH).get(METHODS).times(2).reply(200, METHODS_RESPONSE);
    const { directory, timing } = makeDirectory({ nonPremiumRetryMinutes: 20 });
    expect(await directory.getRegistration("u1")).toEqual(FROM_METHODS);
    await timing.sleep(19 * 60_000);
    expect(await directory.getRegistration("u1")).toEqual(FROM_METHODS);
    await timing.sleep(60_000);
    const again = nock(GRAPH)
      .get(`${REPORT}/u1`)
      .reply(200, {
        id: "u1",
        isMfaRegistered: true,
        isMfaCapable: true,
        methodsRegistered: ["mobilePhone"],
      });
    expect(await directory.getRegistration("u1")).toMatchObject({ source: "report" });
    expect(again.isDone()).toBe(true);
  });

  // Issue 9, problem 4: a body in another shape threw a ZodError instead of falling back.
  it("falls back like a 404 when the report answers in another shape (wrapped in value)", async () => {
    nock(GRAPH)
      .get(`${REPORT}/u1`)
      .reply(200, { value: [{ id: "u1", isMfaRegistered: true, methodsRegistered: ["mobilePhone"] }] });
    nock(GRAPH).get(METHODS).reply(200, METHODS_RESPONSE);
    const { directory } = makeDirectory();
    expect(await directory.getRegistration("u1")).toEqual(FROM_METHODS);
  });

  it("reads the methods list, not the report, when asked for a live read", async () => {
    nock(GRAPH).get(METHODS).reply(200, METHODS_RESPONSE);
    const { directory } = makeDirectory();
    // No report interceptor: asking the report would fail the test.
    expect(await directory.getRegistration("u1", { live: true })).toEqual(FROM_METHODS);
  });

  it("falls back on any 403, and asks the report again next time", async () => {
    nock(GRAPH)
      .get(`${REPORT}/u1`)
      .reply(403, graphError("Authorization_RequestDenied", "no AuditLog.Read.All"));
    nock(GRAPH).get(METHODS).reply(200, PASSWORD_ONLY);
    const { directory } = makeDirectory();
    expect(await directory.getRegistration("u1")).toEqual({
      isMfaRegistered: false,
      isMfaCapable: false,
      methodsRegistered: [],
      defaultMethod: null,
      source: "methods",
    });
    const again = nock(GRAPH)
      .get(`${REPORT}/u1`)
      .reply(200, { id: "u1", isMfaRegistered: false, isMfaCapable: false, methodsRegistered: [] });
    await directory.getRegistration("u1");
    expect(again.isDone()).toBe(true);
  });

  it("falls back on 404 (the report skips disabled and new users)", async () => {
    nock(GRAPH).get(`${REPORT}/u1`).reply(404, graphError("Request_ResourceNotFound", "not found"));
    nock(GRAPH).get(METHODS).reply(200, METHODS_RESPONSE);
    const { directory } = makeDirectory();
    expect(await directory.getRegistration("u1")).toEqual(FROM_METHODS);
  });

  it("falls back at the first 429 without waiting, and rests the report for its Retry-After", async () => {
    const report = nock(GRAPH)
      .get(`${REPORT}/u1`)
      .reply(429, graphError("TooManyRequests", "later"), { "Retry-After": "10" });
    nock(GRAPH).get(METHODS).times(2).reply(200, METHODS_RESPONSE);
    const throttles: number[] = [];
    const { directory, timing } = makeDirectory({ onThrottle: (ms) => throttles.push(ms) });
    expect(await directory.getRegistration("u1")).toEqual(FROM_METHODS);
    expect(report.isDone()).toBe(true);
    expect(timing.sleeps.every((ms) => ms < 10_000)).toBe(true);
    // The reports limit is its own: other Graph calls are not paused for it.
    expect(throttles).toEqual([]);
    expect(await directory.getRegistration("u1")).toEqual(FROM_METHODS);
  });

  it("does not count email or a Temporary Access Pass as MFA registration, as the report does not", async () => {
    nock(GRAPH).get(`${REPORT}/u1`).reply(403, NON_PREMIUM);
    nock(GRAPH)
      .get(METHODS)
      .reply(200, {
        value: [
          { "@odata.type": "#microsoft.graph.passwordAuthenticationMethod", id: "pw" },
          { "@odata.type": "#microsoft.graph.emailAuthenticationMethod", id: "e1", emailAddress: "a@b.c" },
          { "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod", id: "t1" },
        ],
      });
    const { directory } = makeDirectory();
    expect(await directory.getRegistration("u1")).toEqual({
      isMfaRegistered: false,
      isMfaCapable: false,
      methodsRegistered: ["email", "temporaryAccessPass"],
      defaultMethod: null,
      source: "methods",
    });
  });

  it("maps every method type to the report's names", async () => {
    nock(GRAPH).get(`${REPORT}/u1`).reply(403, NON_PREMIUM);
    nock(GRAPH)
      .get(METHODS)
      .reply(200, {
        value: [
          {
            "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
            id: "e37fc753-ff3b-4958-9484-eaa9425c82bc",
            phoneNumber: "+1 1",
            phoneType: "office",
          },
          { "@odata.type": "#microsoft.graph.fido2AuthenticationMethod", id: "f1", displayName: "YubiKey 5" },
          {
            "@odata.type": "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
            id: "w1",
            displayName: "LAPTOP-1",
          },
          { "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod", id: "t1" },
        ],
      });
    const { directory } = makeDirectory();
    expect((await directory.getRegistration("u1")).methodsRegistered).toEqual([
      "officePhone",
      "passKeyDeviceBound",
      "windowsHelloForBusiness",
      "temporaryAccessPass",
    ]);
  });
});
