import { z } from "zod";
import { DirectoryError, isDirectoryError } from "../errors.js";
import type { AuthMethod, MethodDeletion } from "../port.js";
import type { GraphHttp } from "./http.js";
import { userPath } from "./users.js";

const READ_PERMISSION = "UserAuthenticationMethod.Read.All";
const WRITE_PERMISSION = "UserAuthenticationMethod.ReadWrite.All";

/** Graph's well-known phone method ids (one method per phone type). */
export const PHONE_METHOD_IDS = {
  mobile: "3179e48a-750b-4051-897c-87b9720928f7",
  alternateMobile: "b6332ec1-7057-4abe-9331-3d72feddfe41",
  office: "e37fc753-ff3b-4958-9484-eaa9425c82bc",
} as const;

/** A method as listed, with the phone type kept for ordering and report names. */
export interface ListedMethod extends AuthMethod {
  phoneType?: string;
}

const methodList = z.object({
  value: z.array(
    z.object({
      "@odata.type": z.string(),
      id: z.string(),
      phoneNumber: z.string().nullish(),
      phoneType: z.string().nullish(),
      displayName: z.string().nullish(),
      emailAddress: z.string().nullish(),
    }),
  ),
});

/** `#microsoft.graph.phoneAuthenticationMethod` → `phone`. */
export function shortMethodType(odataType: string): string {
  return odataType.replace(/^#?microsoft\.graph\./, "").replace(/AuthenticationMethod$/, "");
}

function phoneTypeOf(id: string, given: string | null | undefined): string | undefined {
  if (given) return given;
  const known = Object.entries(PHONE_METHOD_IDS).find(([, knownId]) => knownId === id);
  return known?.[0];
}

export async function listMethodsDetailed(http: GraphHttp, userId: string): Promise<ListedMethod[]> {
  const response = await http.request({
    method: "GET",
    path: `/v1.0${userPath(userId)}/authentication/methods`,
    permission: READ_PERMISSION,
    notFound: "no such user",
  });
  return methodsFromBody(response.body);
}

/** A methods list's body (a request of its own or a `$batch` item) as the bot's methods. */
export function methodsFromBody(body: unknown): ListedMethod[] {
  return methodList.parse(body).value.map((raw) => {
    const type = shortMethodType(raw["@odata.type"]);
    const detail = raw.phoneNumber ?? raw.displayName ?? raw.emailAddress ?? undefined;
    const phoneType = type === "phone" ? phoneTypeOf(raw.id, raw.phoneType) : undefined;
    return {
      id: raw.id,
      type,
      ...(detail ? { detail } : {}),
      ...(phoneType ? { phoneType } : {}),
    };
  });
}

export async function listMethods(http: GraphHttp, userId: string): Promise<AuthMethod[]> {
  const listed = await listMethodsDetailed(http, userId);
  return listed.map(({ phoneType: _phoneType, ...method }) => method);
}

/**
 * The DELETE endpoint of each method type (v1.0). Platform credentials (Platform SSO) and
 * external authentication methods are deletable too
 * (https://learn.microsoft.com/graph/api/platformcredentialauthenticationmethod-delete,
 * https://learn.microsoft.com/graph/api/externalauthenticationmethod-delete).
 */
const DELETE_SEGMENTS: Record<string, string> = {
  phone: "phoneMethods",
  microsoftAuthenticator: "microsoftAuthenticatorMethods",
  softwareOath: "softwareOathMethods",
  fido2: "fido2Methods",
  windowsHelloForBusiness: "windowsHelloForBusinessMethods",
  email: "emailMethods",
  temporaryAccessPass: "temporaryAccessPassMethods",
  platformCredential: "platformCredentialMethods",
  external: "externalAuthenticationMethods",
};

export async function deleteMethod(http: GraphHttp, userId: string, method: AuthMethod): Promise<void> {
  if (method.type === "password") {
    throw new DirectoryError("badRequest", "the password method cannot be deleted");
  }
  const segment = DELETE_SEGMENTS[method.type];
  if (!segment) {
    throw new DirectoryError("badRequest", `a ${method.type} method cannot be deleted through Graph`);
  }
  await http.request({
    method: "DELETE",
    path: `/v1.0${userPath(userId)}/authentication/${segment}/${encodeURIComponent(method.id)}`,
    permission: WRITE_PERMISSION,
    notFound: "no such method (already deleted?)",
  });
}

/** `mobile` cannot go while `alternateMobile` exists, so it goes last among phones. */
function deletionOrder(methods: ListedMethod[]): ListedMethod[] {
  const rank = (method: ListedMethod) => (method.type === "phone" && method.phoneType === "mobile" ? 1 : 0);
  return [...methods].sort((a, b) => rank(a) - rank(b));
}

/**
 * Graph refuses to delete the default method in (at least) two wordings — "Cannot delete
 * default method with other methods configured" and "The requested authentication method
 * id of [...] matches the user's current default authentication method, and cannot be
 * deleted until the default authentication method is changed" (microsoft-graph-docs-contrib
 * #1888, #2913) — both under the generic code `badRequest`, so the wording is all there is.
 */
const DEFAULT_REFUSALS = [
  /cannot delete default method/i,
  /matches the user's current default authentication method/i,
  /default authentication method is changed/i,
];

export function isDefaultMethodRefusal(error: unknown): boolean {
  if (!(error instanceof DirectoryError) || error.kind !== "badRequest") return false;
  return DEFAULT_REFUSALS.some((wording) => wording.test(error.userMessage));
}

/**
 * The sign-in preference (`userPreferredMethodForSecondaryAuthentication`) that makes a
 * method the default; only these types can be one
 * (https://learn.microsoft.com/graph/api/resources/signinpreferences?view=graph-rest-beta).
 */
function preferenceFor(method: ListedMethod): string | undefined {
  switch (method.type) {
    case "microsoftAuthenticator":
      return "push";
    case "softwareOath":
      return "oath";
    case "phone":
      if (method.phoneType === "alternateMobile") return "voiceAlternateMobile";
      if (method.phoneType === "office") return "voiceOffice";
      return "sms";
    default:
      return undefined;
  }
}

/**
 * Makes another method the user's default, the documented way out when the default blocks
 * a deletion ("Have the user change their default authentication method, and then delete"
 * — https://learn.microsoft.com/graph/api/phoneauthenticationmethod-delete;
 * `PATCH /beta/users/{id}/authentication/signInPreferences`).
 */
async function switchDefault(http: GraphHttp, userId: string, preference: string): Promise<void> {
  await http.request({
    method: "PATCH",
    path: `/beta${userPath(userId)}/authentication/signInPreferences`,
    body: { userPreferredMethodForSecondaryAuthentication: preference },
    permission: WRITE_PERMISSION,
    notFound: "no such user",
  });
}

function describe(error: unknown): string {
  return error instanceof DirectoryError ? error.userMessage : String(error);
}

/**
 * What the admin must do about a default method Graph would not delete: the user picks
 * another default, or the admin uses the portal's own action
 * (https://learn.microsoft.com/entra/identity/authentication/howto-mfa-userdevicesettings#manage-user-authentication-options).
 */
function defaultMethodAdvice(method: ListedMethod, why: string, graphSaid: string | undefined): string {
  return (
    `Graph will not delete this ${method.type} method while it is the user's default sign-in method, ${why}. ` +
    "Have the user choose another default at https://aka.ms/mysecurityinfo and run reregister again, " +
    "or in the Entra admin center open the user's Authentication methods and select " +
    `'Require re-register multifactor authentication'${graphSaid ? ` (${graphSaid})` : ""}`
  );
}

/**
 * Graph has no "require re-registration" call: delete every method but the password.
 * Methods go in passes: a delete refused for its order (the default while others remain,
 * the mobile phone while an alternate exists) is tried again after the others. When a pass
 * frees nothing and the default is what blocks, the default moves to another remaining
 * method (signInPreferences) and the passes go on. A default Graph still will not delete is
 * reported with what the admin must do. One method failing is reported, never thrown.
 */
export async function requireReregistration(http: GraphHttp, userId: string): Promise<MethodDeletion[]> {
  const methods = deletionOrder(
    (await listMethodsDetailed(http, userId)).filter((method) => method.type !== "password"),
  );
  const results = new Map<ListedMethod, MethodDeletion>();
  const blockedAsDefault = new Set<ListedMethod>();
  const madeDefault = new Set<ListedMethod>();
  let switchFailure: string | undefined;

  /** `again`: Graph refused it for its order (the default, the mobile phone) — try after the others. */
  async function attempt(method: ListedMethod): Promise<"deleted" | "again" | "final"> {
    const { phoneType: _phoneType, ...plain } = method;
    try {
      await deleteMethod(http, userId, plain);
      results.set(method, { method: plain, ok: true });
      blockedAsDefault.delete(method);
      return "deleted";
    } catch (error) {
      results.set(method, { method: plain, ok: false, error: describe(error) });
      if (isDefaultMethodRefusal(error)) {
        blockedAsDefault.add(method);
        return "again";
      }
      blockedAsDefault.delete(method);
      return isDirectoryError(error, "badRequest") ? "again" : "final";
    }
  }

  let pending = methods;
  // Each pass deletes at least one method or moves the default once more: bounded.
  for (let pass = 0; pending.length > 0 && pass <= 2 * methods.length; pass++) {
    const again: ListedMethod[] = [];
    for (const method of pending) if ((await attempt(method)) === "again") again.push(method);
    if (again.length === pending.length) {
      const blocked = again.find((method) => blockedAsDefault.has(method));
      // Any method still there can take over as default, one whose own deletion failed too.
      const next =
        blocked &&
        methods.find(
          (m) =>
            m !== blocked && !results.get(m)?.ok && !madeDefault.has(m) && preferenceFor(m) !== undefined,
        );
      if (!blocked || !next) break;
      try {
        await switchDefault(http, userId, preferenceFor(next)!);
        madeDefault.add(next);
      } catch (error) {
        switchFailure = describe(error);
        break;
      }
    }
    pending = again;
  }
  for (const method of blockedAsDefault) {
    const why = switchFailure
      ? `and making another method the default failed (${switchFailure})`
      : "and no other method is left that could be made the default";
    const result = results.get(method)!;
    results.set(method, { ...result, error: defaultMethodAdvice(method, why, result.error) });
  }
  return methods.map((method) => results.get(method)!);
}
