import { z } from "zod";
import { DirectoryError } from "../errors.js";
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
  return methodList.parse(response.body).value.map((raw) => {
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

const DELETE_SEGMENTS: Record<string, string> = {
  phone: "phoneMethods",
  microsoftAuthenticator: "microsoftAuthenticatorMethods",
  softwareOath: "softwareOathMethods",
  fido2: "fido2Methods",
  windowsHelloForBusiness: "windowsHelloForBusinessMethods",
  email: "emailMethods",
  temporaryAccessPass: "temporaryAccessPassMethods",
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

function isDefaultMethodRefusal(error: unknown): boolean {
  return (
    error instanceof DirectoryError &&
    error.kind === "badRequest" &&
    /default method/i.test(error.userMessage)
  );
}

function describe(error: unknown): string {
  return error instanceof DirectoryError ? error.userMessage : String(error);
}

/**
 * Graph has no "require re-registration" call: delete every method but the password.
 * The default method can only go last ("Cannot delete default method with other methods
 * configured"), so a delete refused for that reason is retried after the others.
 * One method failing is reported, never thrown.
 */
export async function requireReregistration(http: GraphHttp, userId: string): Promise<MethodDeletion[]> {
  const methods = deletionOrder(
    (await listMethodsDetailed(http, userId)).filter((method) => method.type !== "password"),
  );
  const results = new Map<ListedMethod, MethodDeletion>();
  let deferred: ListedMethod[] = [];

  async function attempt(method: ListedMethod): Promise<unknown> {
    const { phoneType: _phoneType, ...plain } = method;
    try {
      await deleteMethod(http, userId, plain);
      results.set(method, { method: plain, ok: true });
      return undefined;
    } catch (error) {
      results.set(method, { method: plain, ok: false, error: describe(error) });
      return error;
    }
  }

  for (const method of methods) {
    if (isDefaultMethodRefusal(await attempt(method))) deferred.push(method);
  }
  // Each pass can free the next default; stop when a pass deletes nothing more.
  while (deferred.length > 0) {
    const stillDefault: ListedMethod[] = [];
    for (const method of deferred) {
      if (isDefaultMethodRefusal(await attempt(method))) stillDefault.push(method);
    }
    if (stillDefault.length === deferred.length) break;
    deferred = stillDefault;
  }
  return methods.map((method) => results.get(method)!);
}
