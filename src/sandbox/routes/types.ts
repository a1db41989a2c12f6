import { randomUUID } from "node:crypto";
import type { SandboxTenant, TenantError } from "../tenant.js";

export type GraphVersion = "v1.0" | "beta";

/** One Graph request, whether it came on its own or inside a `$batch`. */
export interface GraphRequest {
  method: string;
  version: GraphVersion;
  /** Path after the version, as received (still percent-encoded), e.g. `/users/abc`. */
  rawPath: string;
  /** Decoded path segments after the version; `users('x')` is already split into `users`, `x`. */
  segments: string[];
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
}

export interface GraphResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RouteContext {
  tenant: SandboxTenant;
  /** `http://127.0.0.1:<port>`: nextLinks and @odata.context point back here. */
  baseUrl: string;
  pageSize: number;
  /** The application permissions the caller's token carries. */
  roles: ReadonlySet<string>;
}

export type Params = Record<string, string>;

export interface Route {
  method: string;
  /** e.g. `/users/{id}/authentication/requirements`; also the key requests are counted under. */
  pattern: string;
  versions: readonly GraphVersion[];
  /**
   * Application permissions of which the caller needs one: the route's Graph API page lists
   * them "from least to most privileged". Without any of them: 403 Authorization_RequestDenied.
   */
  permissions: readonly string[];
  handle(request: GraphRequest, params: Params, context: RouteContext): GraphResponse;
}

export const JSON_CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

export function json(body: unknown, status = 200): GraphResponse {
  return { status, headers: { "Content-Type": JSON_CONTENT_TYPE }, body };
}

export function noContent(): GraphResponse {
  return { status: 204 };
}

/** Graph's error envelope, innerError included, as clients see it. */
export function graphError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): GraphResponse {
  return {
    status,
    headers: { "Content-Type": JSON_CONTENT_TYPE, ...headers },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().slice(0, 19),
          "request-id": randomUUID(),
          "client-request-id": randomUUID(),
        },
      },
    },
  };
}

export function fromTenantError(error: TenantError): GraphResponse {
  return graphError(error.status, error.code, error.message);
}

export function userNotFound(ref: string): GraphResponse {
  return graphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${ref}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function badRequest(message: string, code = "BadRequest"): GraphResponse {
  return graphError(400, code, message);
}

/** `@odata.context` as Graph writes it, pointed at this server. */
export function odataContext(context: RouteContext, version: GraphVersion, fragment: string): string {
  return `${context.baseUrl}/${version}/$metadata#${fragment}`;
}

/** Permission lists of the Graph API pages the routes follow (application permissions). */
export const PERMISSIONS = {
  /** https://learn.microsoft.com/graph/api/user-get, user-list */
  readUsers: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  /** https://learn.microsoft.com/graph/api/resources/strongauthenticationrequirements?view=graph-rest-beta */
  readMfaState: ["Policy.Read.All", "Policy.ReadWrite.AuthenticationMethod"],
  writeMfaState: ["Policy.ReadWrite.AuthenticationMethod"],
  /** https://learn.microsoft.com/graph/api/authentication-list-methods */
  readMethods: ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
  /** https://learn.microsoft.com/graph/api/phoneauthenticationmethod-delete (and the other method types) */
  writeMethods: ["UserAuthenticationMethod.ReadWrite.All"],
  /** https://learn.microsoft.com/graph/api/userregistrationdetails-get */
  readReport: [
    "AuditLog.Read.All",
    "UserAuthenticationMethod.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
  ],
  /** https://learn.microsoft.com/graph/api/group-list-transitivemembers */
  readGroups: [
    "GroupMember.Read.All",
    "Group.Read.All",
    "Directory.Read.All",
    "Group.ReadWrite.All",
    "Directory.ReadWrite.All",
  ],
  /** https://learn.microsoft.com/graph/api/user-list-transitivememberof */
  readMemberOf: [
    "User.Read.All",
    "GroupMember.Read.All",
    "Group.Read.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
  ],
  /**
   * Reading directory roles themselves (https://learn.microsoft.com/graph/api/directoryrole-get):
   * without one of these, roles in a membership list come with their id only.
   */
  readRoles: [
    "RoleManagement.Read.Directory",
    "Directory.Read.All",
    "RoleManagement.ReadWrite.Directory",
    "Directory.ReadWrite.All",
  ],
  /** https://learn.microsoft.com/graph/api/conditionalaccessroot-list-policies, identitysecuritydefaultsenforcementpolicy-get */
  readPolicies: [
    "Policy.Read.All",
    "Policy.ReadWrite.ConditionalAccess",
    "Policy.ReadWrite.SecurityDefaults",
  ],
} as const;
