import { z } from "zod";
import { isDirectoryError } from "../errors.js";
import type { Registration } from "../port.js";
import type { GraphHttp } from "./http.js";
import { type ListedMethod, listMethodsDetailed } from "./methods.js";

const REPORT_PERMISSION = "AuditLog.Read.All";
/** The longest a single user's registration waits for room in the reports limit. */
export const REPORT_MAX_WAIT_MS = 1_000;
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
  getRegistration(userId: string, options?: { live?: boolean }): Promise<Registration>;
}

export interface RegistrationReaderOptions {
  /**
   * How long a "not a premium tenant" answer keeps the bot off the report. Licensed tenants
   * have been seen answering it intermittently, so it is believed for a while, not for the
   * life of the process.
   * @defaultValue 15
   */
  nonPremiumRetryMinutes?: number;
}

/**
 * The registration report is the better source (it knows the default method), but it
 * needs a P1/P2 tenant, is throttled hard (about 5 requests per 10 s) and lags behind
 * changes by hours: whenever it cannot answer, or the caller knows it is stale (`live`:
 * the bot just changed this user's methods or state), the user's methods list stands in.
 * A tenant that says it has no licence is believed for `nonPremiumRetryMinutes`, and the
 * report is left alone while it throttles us.
 */
export function createRegistrationReader(
  http: GraphHttp,
  options: RegistrationReaderOptions = {},
): RegistrationReader {
  const nonPremiumRetryMs = (options.nonPremiumRetryMinutes ?? 15) * 60_000;
  let nonPremiumUntil = Number.NEGATIVE_INFINITY;
  let reportRestingUntil = Number.NEGATIVE_INFINITY;
  const { timing, logger } = http.options;

  async function fromReport(userId: string): Promise<Registration | undefined> {
    const now = timing.now();
    if (now < nonPremiumUntil || now < reportRestingUntil) return undefined;
    let body: unknown;
    try {
      const response = await http.request({
        method: "GET",
        path: `/v1.0/reports/authenticationMethods/userRegistrationDetails/${encodeURIComponent(userId)}`,
        permission: REPORT_PERMISSION,
        failFastOn429: true,
        // A person waiting for `status` is not kept waiting for the reports limit (5 per
        // 10 s): past a second the methods list answers instead.
        maxBudgetWaitMs: REPORT_MAX_WAIT_MS,
      });
      body = response.body;
    } catch (error) {
      if (isDirectoryError(error, "forbidden")) {
        if (error.graphCode === NON_PREMIUM) nonPremiumUntil = timing.now() + nonPremiumRetryMs;
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
    // A body in another shape (wrapped in `value`, say) is no answer: like a 404, not a crash.
    const parsed = registrationDetails.safeParse(body);
    if (!parsed.success) {
      logger.warn({ op: "registration", userId }, "registration report answered in an unexpected shape");
      return undefined;
    }
    const details = parsed.data;
    const preferred = details.userPreferredMethodForSecondaryAuthentication;
    return {
      isMfaRegistered: details.isMfaRegistered,
      isMfaCapable: details.isMfaCapable ?? details.isMfaRegistered,
      methodsRegistered: details.methodsRegistered ?? [],
      defaultMethod: preferred && preferred !== "none" ? preferred : null,
      source: "report",
    };
  }

  return {
    async getRegistration(userId, options) {
      const report = options?.live ? undefined : await fromReport(userId);
      return report ?? registrationFromMethods(await listMethodsDetailed(http, userId));
    },
  };
}
