import nock from "nock";
import { ACCESS_TOKEN, GRAPH, mockToken } from "../graph/graph-fakes.js";
import {
  type FixtureMethod,
  type FixtureMethodType,
  type FixtureUser,
  PASSWORD_ID,
  PHONE_IDS,
  type TenantFixture,
} from "./tenant-fixture.js";

/**
 * Microsoft Graph as nock interceptors, built from a TenantFixture and written from Microsoft's
 * Graph API reference (https://learn.microsoft.com/en-us/graph/api/overview) — not from the sandbox, so that the two are separate
 * witnesses of what Graph does. Only what the Directory port calls is modelled;
 * anything else gets Graph's 400 for an unknown segment, so a new call fails loudly.
 */

type Reply = [number, unknown?, Record<string, string>?];
type Query = URLSearchParams;
type Headers = Record<string, string>;

export interface NockGraphTenantOptions {
  /** The run's clock: the rate limit's one-second window moves with it. */
  now: () => number;
  rateLimitPerSecond?: number;
  /** Application permissions the app was granted; all of them when absent. */
  permissions?: readonly string[];
  /** How deleting the default method is refused (Graph's wordings); default `otherMethodsConfigured`. */
  defaultMethodRefusal?: "otherMethodsConfigured" | "matchesDefault" | "matchesDefaultEvenWhenLast";
  /** The `$batch` envelope's status when an item was throttled (the older guidance: 424). */
  batchStatusWhenThrottled?: 200 | 424;
}

export interface NockGraphTenant {
  /** 429s answered so far. */
  throttled(): number;
  /** Sign-in preference changes (the default method moved) so far. */
  defaultMethodChanges(): number;
  removedMethods(userId: string): string[];
}

/** Graph's default page size for directory objects. */
const PAGE_SIZE = 100;
const BATCH_LIMIT = 20;
const MFA_TYPES: ReadonlySet<FixtureMethodType> = new Set([
  "phone",
  "microsoftAuthenticator",
  "softwareOath",
  "fido2",
  "windowsHelloForBusiness",
  "platformCredential",
  "external",
]);
const SEGMENT_TYPES: Record<string, FixtureMethodType> = {
  phonemethods: "phone",
  microsoftauthenticatormethods: "microsoftAuthenticator",
  softwareoathmethods: "softwareOath",
  fido2methods: "fido2",
  windowshelloforbusinessmethods: "windowsHelloForBusiness",
  emailmethods: "email",
  temporaryaccesspassmethods: "temporaryAccessPass",
  platformcredentialmethods: "platformCredential",
  externalauthenticationmethods: "external",
};
const ODATA_TYPES: Record<FixtureMethodType, string> = {
  phone: "#microsoft.graph.phoneAuthenticationMethod",
  microsoftAuthenticator: "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
  softwareOath: "#microsoft.graph.softwareOathAuthenticationMethod",
  fido2: "#microsoft.graph.fido2AuthenticationMethod",
  windowsHelloForBusiness: "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
  email: "#microsoft.graph.emailAuthenticationMethod",
  temporaryAccessPass: "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
  platformCredential: "#microsoft.graph.platformCredentialAuthenticationMethod",
  external: "#microsoft.graph.externalAuthenticationMethod",
};
const REPORT_NAMES: Record<FixtureMethodType, string> = {
  phone: "mobilePhone",
  microsoftAuthenticator: "microsoftAuthenticatorPush",
  softwareOath: "softwareOneTimePasscode",
  fido2: "passKeyDeviceBound",
  windowsHelloForBusiness: "windowsHelloForBusiness",
  email: "email",
  temporaryAccessPass: "temporaryAccessPass",
  platformCredential: "macOsSecureEnclaveKey",
  external: "externalAuthMethod",
};

function error(status: number, code: string, message: string, headers: Headers = {}): Reply {
  return [status, { error: { code, message, innerError: { "request-id": "nock" } } }, headers];
}

const notFound = (ref: string) => error(404, "Request_ResourceNotFound", `Resource '${ref}' does not exist.`);
const unknownSegment = (segment: string) =>
  error(400, "BadRequest", `Resource not found for the segment '${segment}'.`);

function reportName(method: FixtureMethod): string {
  if (method.type !== "phone") return REPORT_NAMES[method.type];
  return { mobile: "mobilePhone", alternateMobile: "alternateMobilePhone", office: "officePhone" }[
    method.phoneType ?? "mobile"
  ];
}

/** `userPreferredMethodForSecondaryAuthentication` values. */
function preferredName(method: FixtureMethod | undefined): string {
  if (!method) return "none";
  if (method.type === "microsoftAuthenticator") return "push";
  if (method.type === "softwareOath") return "oath";
  if (method.type === "phone") {
    if (method.phoneType === "alternateMobile") return "voiceAlternateMobile";
    if (method.phoneType === "office") return "voiceOffice";
    return "sms";
  }
  return "none";
}

function methodJson(method: FixtureMethod): Record<string, unknown> {
  const json: Record<string, unknown> = { "@odata.type": ODATA_TYPES[method.type], id: method.id };
  if (method.phoneNumber !== undefined) json.phoneNumber = method.phoneNumber;
  if (method.phoneType !== undefined) json.phoneType = method.phoneType;
  if (method.displayName !== undefined) json.displayName = method.displayName;
  if (method.emailAddress !== undefined) json.emailAddress = method.emailAddress;
  return json;
}

function userJson(user: FixtureUser): Record<string, unknown> {
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    displayName: user.displayName,
    mail: user.mail,
    accountEnabled: user.accountEnabled,
    userType: user.userType,
    // An invited guest carries the invitation's state; the tenant's own users none.
    externalUserState: user.userType === "Guest" ? "Accepted" : null,
  };
}

function select(item: Record<string, unknown>, query: Query): Record<string, unknown> {
  const selected = query.get("$select");
  if (!selected) return item;
  return Object.fromEntries(selected.split(",").map((name) => [name, item[name] ?? null]));
}

function parseBody(raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  return raw === "" ? undefined : JSON.parse(raw);
}

/** Decoded segments; `users('x')` becomes `users`, `x` (Graph's key syntax, needed for a `$` UPN). */
function segmentsOf(path: string): { segments: string[]; keyed: Set<number> } | undefined {
  const segments: string[] = [];
  const keyed = new Set<number>();
  for (const raw of path.split("/").filter(Boolean)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    const key = /^(\w+)\('(.*)'\)$/s.exec(segment);
    if (key) {
      segments.push(key[1]!);
      keyed.add(segments.length);
      segments.push(key[2]!.replaceAll("''", "'"));
    } else segments.push(segment);
  }
  return { segments, keyed };
}

export function mockGraphTenant(fixture: TenantFixture, options: NockGraphTenantOptions): NockGraphTenant {
  const tenant = structuredClone(fixture);
  const users = new Map<string, FixtureUser>();
  for (const user of tenant.users) {
    enforce(user);
    users.set(user.id.toLowerCase(), user);
    users.set(user.userPrincipalName.toLowerCase(), user);
  }
  const groups = new Map(tenant.groups.map((group) => [group.id.toLowerCase(), group]));
  const removed = new Map<string, string[]>();
  const accepted: number[] = [];
  let throttled = 0;
  let preferencePatches = 0;

  /** Entra's rule: an enabled user who has registered is enforced, unless they must re-register. */
  function enforce(user: FixtureUser): void {
    if (
      user.perUserMfaState === "enabled" &&
      !user.mustReregister &&
      user.methods.some((m) => MFA_TYPES.has(m.type))
    ) {
      user.perUserMfaState = "enforced";
    }
  }

  /** A sliding one-second window over every operation, batched or not. */
  function rateLimited(): Reply | undefined {
    const limit = options.rateLimitPerSecond;
    if (limit === undefined) return undefined;
    const now = options.now();
    while (accepted.length > 0 && accepted[0]! <= now - 1000) accepted.shift();
    if (accepted.length < limit) {
      accepted.push(now);
      return undefined;
    }
    throttled++;
    return error(429, "TooManyRequests", "Please retry again later.", { "Retry-After": "1" });
  }

  function page(items: Record<string, unknown>[], path: string, query: Query, headers: Headers): Reply {
    if (query.get("$count") === "true" && headers.consistencylevel?.toLowerCase() !== "eventual") {
      return error(400, "Request_BadRequest", "$count is not currently supported.");
    }
    const offset = Number(query.get("$skiptoken") ?? "0");
    const body: Record<string, unknown> = {
      value: items.slice(offset, offset + PAGE_SIZE).map((item) => select(item, query)),
    };
    if (query.get("$count") === "true") body["@odata.count"] = items.length;
    if (offset + PAGE_SIZE < items.length) {
      const next = new URLSearchParams(query);
      next.set("$skiptoken", String(offset + PAGE_SIZE));
      body["@odata.nextLink"] = `${GRAPH}${path}?${next.toString()}`;
    }
    return [200, body];
  }

  function transitiveUsers(groupId: string): FixtureUser[] {
    const found = new Map<string, FixtureUser>();
    const seen = new Set<string>();
    const queue = [groupId.toLowerCase()];
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const member of groups.get(id)?.members ?? []) {
        const key = member.toLowerCase();
        if (groups.has(key)) queue.push(key);
        const user = users.get(key);
        if (user) found.set(user.id, user);
      }
    }
    return [...found.values()];
  }

  function deleteMethod(user: FixtureUser, kind: string, methodId: string): Reply {
    const type = SEGMENT_TYPES[kind.toLowerCase()];
    if (kind.toLowerCase() === "passwordmethods" || methodId === PASSWORD_ID) {
      return error(400, "badRequest", "The password authentication method cannot be deleted.");
    }
    if (!type) return unknownSegment(kind);
    const method = user.methods.find((m) => m.type === type && m.id.toLowerCase() === methodId.toLowerCase());
    if (!method) return notFound(methodId);
    const others = user.methods.filter((m) => m !== method);
    const refusal = options.defaultMethodRefusal ?? "otherMethodsConfigured";
    if (
      user.defaultMethodId === method.id &&
      (others.length > 0 || refusal === "matchesDefaultEvenWhenLast")
    ) {
      return error(
        400,
        "badRequest",
        refusal === "otherMethodsConfigured"
          ? "Cannot delete default method with other methods configured."
          : `The requested authentication method id of [${method.id}] matches the user's current default authentication method, and cannot be deleted until the default authentication method is changed`,
      );
    }
    if (method.id === PHONE_IDS.mobile && others.some((m) => m.id === PHONE_IDS.alternateMobile)) {
      return error(
        400,
        "badRequest",
        "Cannot delete mobile phone method while alternate mobile phone exists.",
      );
    }
    user.methods = others;
    if (user.defaultMethodId === method.id) delete user.defaultMethodId;
    if (others.length === 0) user.mustReregister = false;
    removed.set(user.id, [...(removed.get(user.id) ?? []), method.id]);
    return [204];
  }

  const granted = (...any: string[]) =>
    options.permissions === undefined || any.some((permission) => options.permissions?.includes(permission));
  const denied = () =>
    error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");

  function userOperation(
    method: string,
    version: string,
    rest: string[],
    path: string,
    query: Query,
    headers: Headers,
    body: unknown,
  ): Reply {
    const [ref = "", ...tail] = rest;
    const user = users.get(ref.toLowerCase());
    const route = tail.join("/").toLowerCase();
    // The permissions reference/graph-api.md names for the operations the bot writes with.
    if (
      method === "PATCH" &&
      route === "authentication/requirements" &&
      !granted("Policy.ReadWrite.AuthenticationMethod")
    )
      return denied();
    if (
      (method === "DELETE" || method === "PATCH") &&
      route.startsWith("authentication/") &&
      route !== "authentication/requirements"
    )
      if (!granted("UserAuthenticationMethod.ReadWrite.All")) return denied();
    if (method === "GET" && route === "") return user ? [200, select(userJson(user), query)] : notFound(ref);
    if (route === "authentication/requirements") {
      if (version !== "beta") return unknownSegment("requirements");
      if (!user) return notFound(ref);
      if (method === "GET") return [200, { perUserMfaState: user.perUserMfaState }];
      if (method === "PATCH") {
        const state = (body as { perUserMfaState?: unknown } | undefined)?.perUserMfaState;
        if (state !== "disabled" && state !== "enabled" && state !== "enforced") {
          return error(400, "badRequest", "Invalid value for perUserMfaState.");
        }
        // Re-enabled over registration details: Enabled until the user re-registers (https://learn.microsoft.com/entra/identity/authentication/howto-mfa-userstates).
        if (state === "enabled" && user.perUserMfaState !== "enabled" && user.methods.length > 0) {
          user.mustReregister = true;
        }
        user.perUserMfaState = state;
        enforce(user);
        return [204];
      }
    }
    if (method === "PATCH" && route === "authentication/signinpreferences") {
      if (version !== "beta") return unknownSegment("signInPreferences");
      if (!user) return notFound(ref);
      const wanted = (body as { userPreferredMethodForSecondaryAuthentication?: unknown } | undefined)
        ?.userPreferredMethodForSecondaryAuthentication;
      const target = user.methods.find(
        (m) => preferredName(m) === wanted || (wanted === "voiceMobile" && m.id === PHONE_IDS.mobile),
      );
      if (!target)
        return error(400, "badRequest", `No registered method for preference '${String(wanted)}'.`);
      user.defaultMethodId = target.id;
      preferencePatches++;
      return [204];
    }
    if (method === "GET" && route === "authentication/methods") {
      if (!user) return notFound(ref);
      return [
        200,
        {
          value: [
            {
              "@odata.type": "#microsoft.graph.passwordAuthenticationMethod",
              id: PASSWORD_ID,
              password: null,
            },
            ...user.methods.map(methodJson),
          ],
        },
      ];
    }
    if (method === "DELETE" && tail.length === 3 && tail[0]!.toLowerCase() === "authentication") {
      return user ? deleteMethod(user, tail[1]!, tail[2]!) : notFound(ref);
    }
    if (method === "GET" && route === "transitivememberof/microsoft.graph.group") {
      if (!user) return notFound(ref);
      const memberOf = [...groups.values()]
        .filter((group) => transitiveUsers(group.id).includes(user))
        .map((group) => ({
          "@odata.type": "#microsoft.graph.group",
          id: group.id,
          displayName: group.displayName,
        }));
      return page(memberOf, path, query, headers);
    }
    if (method === "GET" && route === "transitivememberof/microsoft.graph.directoryrole") {
      if (!user) return notFound(ref);
      const holders = new Set([
        user.id,
        ...[...groups.values()].filter((group) => transitiveUsers(group.id).includes(user)).map((g) => g.id),
      ]);
      const roles = tenant.directoryRoles
        .filter((role) => role.members.some((member) => holders.has(member)))
        // An app that may not read directory roles sees their type and id only (limited information).
        .map((role) =>
          granted("RoleManagement.Read.Directory", "Directory.Read.All")
            ? {
                "@odata.type": "#microsoft.graph.directoryRole",
                id: role.id,
                displayName: role.displayName,
                roleTemplateId: role.roleTemplateId,
              }
            : { "@odata.type": "#microsoft.graph.directoryRole", id: role.id },
        );
      return page(roles, path, query, headers);
    }
    return unknownSegment(tail.at(-1) ?? "users");
  }

  function operation(
    method: string,
    version: string,
    path: string,
    query: Query,
    headers: Headers,
    body: unknown,
  ): Reply {
    const limited = rateLimited();
    if (limited) return limited;
    const parsed = segmentsOf(path.replace(/^\/(v1\.0|beta)/, ""));
    if (!parsed) return error(400, "BadRequest", "The request URL is not correctly percent-encoded.");
    const { segments, keyed } = parsed;
    const [root = "", ...rest] = segments;
    const route = segments.join("/").toLowerCase();

    if (root === "users") {
      if (rest.length === 0 && method === "GET" && !query.has("$filter")) {
        return page(tenant.users.map(userJson), path, query, headers);
      }
      if (rest.length === 0 && method === "GET") {
        const filter = /^mail eq '((?:[^']|'')*)'$/i.exec(query.get("$filter") ?? "");
        if (!filter) return error(400, "BadRequest", "Unsupported query.");
        const mail = filter[1]!.replaceAll("''", "'").toLowerCase();
        const found = tenant.users.filter((user) => user.mail?.toLowerCase() === mail);
        return [200, { value: found.map((user) => select(userJson(user), query)) }];
      }
      // Unkeyed, `/users/$x@y` reads as a system segment.
      if (rest[0]?.startsWith("$") && !keyed.has(1)) return unknownSegment(rest[0]);
      return userOperation(method, version, rest, path, query, headers, body);
    }
    if (method !== "GET") return error(405, "Request_BadRequest", "Specified HTTP method is not allowed.");
    if (root === "groups" && rest.length === 3 && route.endsWith("/transitivemembers/microsoft.graph.user")) {
      if (!groups.has(rest[0]!.toLowerCase())) return notFound(rest[0]!);
      return page(transitiveUsers(rest[0]!).map(userJson), path, query, headers);
    }
    if (route.startsWith("reports/authenticationmethods/userregistrationdetails/") && segments.length === 4) {
      if (!tenant.premium) {
        return error(
          403,
          "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
          "Neither tenant is B2C or tenant doesn't have premium license",
        );
      }
      const user = users.get(segments[3]!.toLowerCase());
      // The report leaves disabled accounts out.
      if (!user?.accountEnabled) return notFound(segments[3]!);
      const registered = user.methods.some((m) => MFA_TYPES.has(m.type));
      return [
        200,
        {
          id: user.id,
          userPrincipalName: user.userPrincipalName,
          userDisplayName: user.displayName,
          isMfaRegistered: registered,
          isMfaCapable: registered,
          // https://learn.microsoft.com/graph/api/resources/userregistrationdetails; the fixture has no admins.
          isAdmin: false,
          methodsRegistered: user.methods.map(reportName),
          userPreferredMethodForSecondaryAuthentication: preferredName(
            user.methods.find((m) => m.id === user.defaultMethodId),
          ),
        },
      ];
    }
    if (route === "identity/conditionalaccess/policies")
      return [200, { value: tenant.conditionalAccessPolicies }];
    if (route === "policies/identitysecuritydefaultsenforcementpolicy") {
      return [200, { id: "00000000-0000-0000-0000-000000000005", isEnabled: tenant.securityDefaultsEnabled }];
    }
    return unknownSegment(segments.at(-1) ?? "");
  }

  function batch(version: string, body: unknown): Reply {
    const requests = (body as { requests?: unknown } | undefined)?.requests;
    if (!Array.isArray(requests) || requests.length === 0)
      return error(400, "BadRequest", "Invalid batch payload.");
    if (requests.length > BATCH_LIMIT) return error(400, "BadRequest", "Too many requests in the batch.");
    const responses = requests.map((raw: Record<string, unknown>) => {
      const itemHeaders = Object.fromEntries(
        Object.entries((raw.headers as Headers | undefined) ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      );
      if (raw.body !== undefined && !itemHeaders["content-type"]) {
        return {
          id: raw.id,
          status: 400,
          body: { error: { code: "BadRequest", message: "Content-Type missing." } },
        };
      }
      const url = new URL(`${GRAPH}/${version}/${String(raw.url).replace(/^\/+/, "")}`);
      const [status, replyBody, headers] = operation(
        String(raw.method).toUpperCase(),
        version,
        url.pathname,
        url.searchParams,
        itemHeaders,
        raw.body,
      );
      return {
        id: raw.id,
        status,
        headers: headers ?? {},
        ...(replyBody === undefined ? {} : { body: replyBody }),
      };
    });
    // Graph answers a batch's items in any order; older guidance: 424 as a whole when one was throttled.
    const throttledItem = responses.some((response) => response.status === 429);
    const status = throttledItem ? (options.batchStatusWhenThrottled ?? 200) : 200;
    return [status, { responses: responses.reverse() }];
  }

  function handle(method: string, uri: string, rawBody: unknown, headers: Headers): Reply {
    if (headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
      return error(401, "InvalidAuthenticationToken", "Access token validation failure.");
    }
    const url = new URL(uri, GRAPH);
    const version = /^\/(v1\.0|beta)\//.exec(url.pathname)?.[1];
    if (!version) return error(404, "NotFound", "No such API version.");
    const body = parseBody(rawBody);
    if (method === "POST" && url.pathname === `/${version}/$batch`) return batch(version, body);
    return operation(method, version, url.pathname, url.searchParams, headers, body);
  }

  mockToken();
  const scope = nock(GRAPH).persist();
  for (const method of ["GET", "POST", "PATCH", "DELETE"] as const) {
    scope
      .intercept(() => true, method)
      .reply(function (uri, body) {
        const headers: Headers = {};
        for (const [name, value] of Object.entries(this.req.headers))
          headers[name.toLowerCase()] = String(value);
        return handle(method, uri, body, headers) as unknown as nock.ReplyFnResult;
      });
  }

  return {
    throttled: () => throttled,
    defaultMethodChanges: () => preferencePatches,
    removedMethods: (userId) => [...(removed.get(userId) ?? [])],
  };
}
