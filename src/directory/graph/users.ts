import { z } from "zod";
import { isDirectoryError } from "../errors.js";
import type { DirectoryUser } from "../port.js";
import type { GraphHttp } from "./http.js";
import { pagesOf } from "./paging.js";

// proxyAddresses: the policy's protected list may name an account by any of its addresses.
export const USER_SELECT = "id,userPrincipalName,displayName,mail,proxyAddresses,accountEnabled";
const USER_PERMISSION = "User.Read.All";

export const directoryUser = z.object({
  id: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string().nullish(),
  mail: z.string().nullish(),
  proxyAddresses: z.array(z.string()).nullish(),
  accountEnabled: z.boolean().nullish(),
});

export function toDirectoryUser(raw: z.infer<typeof directoryUser>): DirectoryUser {
  return {
    id: raw.id,
    userPrincipalName: raw.userPrincipalName,
    displayName: raw.displayName ?? raw.userPrincipalName,
    ...(raw.mail === undefined ? {} : { mail: raw.mail }),
    ...(raw.proxyAddresses ? { proxyAddresses: raw.proxyAddresses } : {}),
    ...(raw.accountEnabled == null ? {} : { accountEnabled: raw.accountEnabled }),
  };
}

/** Percent-encodes a path segment, keeping `@` and `$` (Graph reads both literally in a UPN). */
function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/%40/g, "@").replace(/%24/g, "$");
}

/**
 * The `/users/…` path segment for an object id or UPN. A UPN starting with `$` must be
 * written `users('$x@y')` or Graph reads it as a system segment; `#` in guest
 * (`#EXT#`) UPNs would end the path, so it is encoded with the other reserved characters.
 */
export function userPath(ref: string): string {
  if (ref.startsWith("$")) return `/users('${encodeSegment(ref.replace(/'/g, "''"))}')`;
  return `/users/${encodeSegment(ref)}`;
}

const userList = z.object({ value: z.array(directoryUser) });

/** By object id, UPN or email: a UPN that is not found is tried once more as an email. */
export async function getUser(http: GraphHttp, ref: string): Promise<DirectoryUser | null> {
  const trimmed = ref.trim();
  if (trimmed === "") return null;
  try {
    const response = await http.request({
      method: "GET",
      path: `/v1.0${userPath(trimmed)}?$select=${USER_SELECT}`,
      permission: USER_PERMISSION,
      notFound: "no such user",
    });
    return toDirectoryUser(directoryUser.parse(response.body));
  } catch (error) {
    // Graph answers 400 for an id that is not a GUID; for this question that is "no such user".
    const missing =
      isDirectoryError(error, "notFound") ||
      (isDirectoryError(error, "badRequest") && !trimmed.includes("@"));
    if (!missing) throw error;
  }
  if (!trimmed.includes("@")) return null;
  const filter = `mail eq '${trimmed.replace(/'/g, "''")}'`;
  const response = await http.request({
    method: "GET",
    path: `/v1.0/users?$filter=${encodeURIComponent(filter)}&$select=${USER_SELECT}`,
    permission: USER_PERMISSION,
  });
  const first = userList.parse(response.body).value[0];
  return first ? toDirectoryUser(first) : null;
}

/** Every user of the tenant, all pages (999 a page, Graph's largest), for `report` and `convert`. */
export async function listUsers(http: GraphHttp): Promise<DirectoryUser[]> {
  const users: DirectoryUser[] = [];
  for await (const page of userPages(http)) users.push(...page);
  return users;
}

/** Every user of the tenant, 999 a page, a page at a time (`report`, `convert plan`). */
export async function* userPages(http: GraphHttp): AsyncGenerator<DirectoryUser[]> {
  const first = {
    method: "GET" as const,
    path: `/v1.0/users?$select=${USER_SELECT}&$top=999`,
    permission: USER_PERMISSION,
  };
  for await (const page of pagesOf(http, first, directoryUser)) yield page.map(toDirectoryUser);
}
