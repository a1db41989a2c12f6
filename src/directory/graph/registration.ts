import { z } from "zod";
import { isDirectoryError } from "../errors.js";
import type { Registration } from "../port.js";
import type { GraphHttp } from "./http.js";
import { type ListedMethod, listMethodsDetailed } from "./methods.js";

const REPORT_PERMISSION = "AuditLog.Read.All";
const NON_PREMIUM = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";

const registrationDetails = z.object({
  isMfaRegistered: z.boolean(),
  isMfaCapable: z.boolean().nullish(),
  methodsRegistered: z.array(z.string()).nullish(),
  userPreferredMethodForSecondaryAuthentication: z.string().nullish(),
});

/** The report's names for what the methods list calls by type. */
const REPORT_NAMES: Record<string, string> = {
  microsoftAuthenticator: "microsoftAuthenticatorPush",
  softwareOath: "softwareOneTimePasscode",
  fido2: "passKeyDeviceBound",
  windowsHelloForBusiness: "windowsHelloForBusiness",
  email: "email",
  temporaryAccessPass: "temporaryAccessPass",
  platformCredential: "macOsSecureEnclaveKey",
  external: "externalAuthMethod",
};

const PHONE_REPORT_NAMES: Record<string, string> = {
  mobile: "mobilePhone",
  alternateMobile: "alternateMobilePhone",
  office: "officePhone",
};

export function reportNameOf(method: ListedMethod): string {
  if (method.type === "phone") return PHONE_REPORT_NAMES[method.phoneType ?? "mobile"] ?? "mobilePhone";
  return REPORT_NAMES[method.type] ?? method.type;
}

/** Registered but not a second factor: the report does not count them as MFA registration. */
const NOT_MFA = new Set(["email", "temporaryAccessPass"]);

export function registrationFromMethods(methods: readonly ListedMethod[]): Registration {
  const registered = methods.filter((method) => method.type !== "password");
  const names = [...new Set(registered.map(reportNameOf))];
  const mfa = registered.some((method) => !NOT_MFA.has(method.type));
  return {
    isMfaRegistered: mfa,
    isMfaCapable: mfa,
    methodsRegistered: names,
    defaultMethod: null,
    source: "methods",
  };
}

export interface RegistrationReader {
  getRegistration(userId: string): Promise<Registration>;
}

/**
 * The registration report is the better source (it knows the default method), but it
 * needs a P1/P2 tenant and is throttled hard (about 5 requests per 10 s): whenever it
 * cannot answer, the user's methods list stands in. A tenant seen without a licence is
 * remembered, and the report is left alone while it throttles us.
 */
export function createRegistrationReader(http: GraphHttp): RegistrationReader {
  let nonPremiumTenant = false;
  let reportRestingUntil = Number.NEGATIVE_INFINITY;
  const { timing } = http.options;

  async function fromReport(userId: string): Promise<Registration | undefined> {
    if (nonPremiumTenant || timing.now() < reportRestingUntil) return undefined;
    try {
      const response = await http.request({
        method: "GET",
        path: `/v1.0/reports/authenticationMethods/userRegistrationDetails/${encodeURIComponent(userId)}`,
        permission: REPORT_PERMISSION,
        failFastOn429: true,
      });
      const details = registrationDetails.parse(response.body);
      const preferred = details.userPreferredMethodForSecondaryAuthentication;
      return {
        isMfaRegistered: details.isMfaRegistered,
        isMfaCapable: details.isMfaCapable ?? details.isMfaRegistered,
        methodsRegistered: details.methodsRegistered ?? [],
        defaultMethod: preferred && preferred !== "none" ? preferred : null,
        source: "report",
      };
    } catch (error) {
      if (isDirectoryError(error, "forbidden")) {
        if (error.graphCode === NON_PREMIUM) nonPremiumTenant = true;
        return undefined;
      }
      if (isDirectoryError(error, "throttled")) {
        reportRestingUntil = timing.now() + (error.retryAfterMs ?? 10_000);
        return undefined;
      }
      // The report skips disabled users and lags new ones: the methods list still knows them.
      if (isDirectoryError(error, "notFound")) return undefined;
      throw error;
    }
  }

  return {
    async getRegistration(userId) {
      return (await fromReport(userId)) ?? registrationFromMethods(await listMethodsDetailed(http, userId));
    },
  };
}
