import { z } from "zod";
import { isDirectoryError } from "../errors.js";
import type { Registration } from "../port.js";
import { runBatch } from "./batch.js";
import type { GraphHttp } from "./http.js";
import { type ListedMethod, listMethodsDetailed, methodsFromBody } from "./methods.js";
import { pagesOf } from "./paging.js";

const REPORT_PERMISSION = "AuditLog.Read.All";
/** The longest a single user's registration waits for room in the reports limit. */
export const REPORT_MAX_WAIT_MS = 1_000;
const NON_PREMIUM = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";

const registrationDetails = z.object({
  isMfaRegistered: z.boolean(),
  isMfaCapable: z.boolean().nullish(),
  methodsRegistered: z.array(z.string()).nullish(),
  userPreferredMethodForSecondaryAuthentication: z.string().nullish(),
  // https://learn.microsoft.com/graph/api/resources/userregistrationdetails: "Indicates whether the user has an admin role".
  isAdmin: z.boolean().nullish(),
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
  getRegistrations(
    userIds: readonly string[],
    options?: { live?: boolean },
  ): Promise<Map<string, Registration>>;
  registrationPages(): AsyncGenerator<RegistrationRow[]>;
}

/** One row of the registration report: whose, and what it says. */
export interface RegistrationRow {
  userId: string;
  userPrincipalName: string;
  displayName: string;
  registration: Registration;
}

const reportRow = registrationDetails.extend({
  id: z.string(),
  userPrincipalName: z.string(),
  userDisplayName: z.string().nullish(),
});

/** Up to this many users are read from the report by `$filter` (15 ids a request); more, by its whole list. */
const FILTER_MAX_USERS = 60;
const IDS_PER_FILTER = 15;
const METHODS_PERMISSION = "UserAuthenticationMethod.Read.All";

function fromDetails(details: z.infer<typeof registrationDetails>): Registration {
  const preferred = details.userPreferredMethodForSecondaryAuthentication;
  return {
    isMfaRegistered: details.isMfaRegistered,
    isMfaCapable: details.isMfaCapable ?? details.isMfaRegistered,
    methodsRegistered: details.methodsRegistered ?? [],
    defaultMethod: preferred && preferred !== "none" ? preferred : null,
    ...(typeof details.isAdmin === "boolean" ? { isAdmin: details.isAdmin } : {}),
    source: "report",
  };
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
    return fromDetails(parsed.data);
  }

  return {
    async getRegistration(userId, options) {
      const report = options?.live ? undefined : await fromReport(userId);
      return report ?? registrationFromMethods(await listMethodsDetailed(http, userId));
    },
    async getRegistrations(userIds, options) {
      const unique = [...new Set(userIds)];
      const found = options?.live ? new Map<string, Registration>() : await fromReportInBulk(unique);
      const missing = unique.filter((id) => !found.has(id));
      // The report skips disabled accounts and lags new ones; an unlicensed tenant has none.
      for (const [id, registration] of await registrationsFromMethods(http, missing))
        found.set(id, registration);
      return found;
    },
    registrationPages: () => reportPages(),
  };

  async function* reportPages(filter?: string): AsyncGenerator<RegistrationRow[]> {
    const query = `$select=${REPORT_SELECT}&$top=999${filter ? `&$filter=${encodeURIComponent(filter)}` : ""}`;
    const pages = pagesOf(
      http,
      {
        method: "GET",
        path: `/v1.0/reports/authenticationMethods/userRegistrationDetails?${query}`,
        permission: REPORT_PERMISSION,
      },
      reportRow,
    );
    for await (const page of pages) {
      yield page.map((row) => ({
        userId: row.id,
        userPrincipalName: row.userPrincipalName,
        displayName: row.userDisplayName ?? row.userPrincipalName,
        registration: fromDetails(row),
      }));
    }
  }

  /**
   * Many users from the report: a few by `$filter` (15 ids a request), more by reading its
   * whole list (999 users a request) and keeping theirs — never a request per user. Empty
   * when the report cannot answer (no licence); the caller reads the rest from methods.
   */
  async function fromReportInBulk(userIds: readonly string[]): Promise<Map<string, Registration>> {
    const found = new Map<string, Registration>();
    if (userIds.length === 0 || timing.now() < nonPremiumUntil) return found;
    const wanted = new Map(userIds.map((id) => [id.toLowerCase(), id]));
    const filters: Array<string | undefined> = [];
    if (userIds.length <= FILTER_MAX_USERS) {
      for (let i = 0; i < userIds.length; i += IDS_PER_FILTER) {
        const ids = userIds.slice(i, i + IDS_PER_FILTER);
        filters.push(ids.map((id) => `id eq '${id.replaceAll("'", "''")}'`).join(" or "));
      }
    } else filters.push(undefined);
    try {
      for (const filter of filters) {
        for await (const page of reportPages(filter)) {
          for (const row of page) {
            const id = wanted.get(row.userId.toLowerCase());
            if (id !== undefined) found.set(id, row.registration);
          }
        }
      }
    } catch (error) {
      if (isDirectoryError(error, "forbidden") && error.graphCode === NON_PREMIUM) {
        nonPremiumUntil = timing.now() + nonPremiumRetryMs;
        return found;
      }
      // A report that refuses the query or the app: the methods lists answer for everyone left.
      if (isDirectoryError(error, "badRequest") || isDirectoryError(error, "forbidden")) {
        logger.warn({ op: "registrations", err: error.message }, "registration report refused a bulk read");
        return found;
      }
      throw error;
    }
    return found;
  }
}

const REPORT_SELECT =
  "id,userPrincipalName,userDisplayName,isAdmin,isMfaRegistered,isMfaCapable,methodsRegistered,userPreferredMethodForSecondaryAuthentication";

/**
 * Registration of many users at once, read live from their methods lists, 20 to a `$batch`:
 * a bulk of 1,000 costs 50 requests in the identity reads budget (1,000 resource units, a few
 * seconds), where the registration report — 5 requests per 10 s — would cost a request per
 * page of the whole tenant, or one per user. A user whose methods cannot be read is left out.
 */
async function registrationsFromMethods(
  http: GraphHttp,
  userIds: readonly string[],
): Promise<Map<string, Registration>> {
  const unique = [...new Set(userIds)];
  const outcomes = await runBatch(
    http,
    unique.map((userId, index) => ({
      id: String(index),
      method: "GET" as const,
      url: `/users/${encodeURIComponent(userId)}/authentication/methods`,
    })),
    { version: "v1.0", permission: METHODS_PERMISSION, notFound: "no such user" },
  );
  const registrations = new Map<string, Registration>();
  unique.forEach((userId, index) => {
    const outcome = outcomes.get(String(index));
    if (!outcome?.ok) return;
    try {
      registrations.set(userId, registrationFromMethods(methodsFromBody(outcome.body)));
    } catch {
      // A body in another shape is no answer for this user, not a failed bulk.
    }
  });
  return registrations;
}
