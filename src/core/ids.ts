import { z } from "zod";

/**
 * The identifiers the bot reads and writes, each defined once: operation (and approval) ids,
 * Entra object ids (GUIDs) and UPNs. The grammar, job data, the policy file and the adapters
 * all check them here.
 */

/**
 * Operation and approval ids are typed back by people (`undo k3m9p2xq`), so they are short
 * and drawn from an alphabet without look-alikes (no i, l, o, 0, 1).
 */
export const OPERATION_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
export const OPERATION_ID_LENGTH = 8;

/** The canonical (lower-case) form; use it to validate ids the bot issued, e.g. in job data. */
export const OPERATION_ID_PATTERN = new RegExp(`^[${OPERATION_ID_ALPHABET}]{${OPERATION_ID_LENGTH}}$`);

/** The canonical form of a typed operation id, or undefined when the text is not one. */
export function normalizeOperationId(text: string): string | undefined {
  if (typeof text !== "string" || text.length !== OPERATION_ID_LENGTH) return undefined;
  const id = text.toLowerCase();
  return OPERATION_ID_PATTERN.test(id) ? id : undefined;
}

/** Whether typed text is an operation id; people may type it in upper case. */
export function isOperationId(text: string): boolean {
  return normalizeOperationId(text) !== undefined;
}

/** An Entra object id (user, group, tenant, app): a GUID, in either case. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(text: string): boolean {
  return typeof text === "string" && GUID_PATTERN.test(text);
}

/** How a command, the policy file and messages name an Entra group: `group:<object-id>`. */
export const GROUP_PREFIX = "group:";

export function groupRef(id: string): string {
  return `${GROUP_PREFIX}${id.toLowerCase()}`;
}

/** The object id of a `group:<object-id>` reference, or undefined when the text is not one. */
export function groupIdOf(text: string): string | undefined {
  if (typeof text !== "string" || text.slice(0, GROUP_PREFIX.length).toLowerCase() !== GROUP_PREFIX) {
    return undefined;
  }
  const id = text.slice(GROUP_PREFIX.length);
  return isGuid(id) ? id.toLowerCase() : undefined;
}

// Entra UPNs: guests look like alice_fabrikam.com#EXT#@contoso.onmicrosoft.com, some service
// accounts start with `$`. The last label must hold a letter so `a@1.2` is not taken for one.
const UPN_LOCAL = /^[a-z0-9._%+'!#$^~&*=?-]{1,64}$/i;
const UPN_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const UPN_MAX = 254;

/** The lower-case form of a UPN (or email address), or undefined when the text is not one. */
export function normalizeUpn(text: string): string | undefined {
  if (typeof text !== "string" || text.length > UPN_MAX) return undefined;
  const at = text.lastIndexOf("@");
  if (at <= 0) return undefined;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  if (!UPN_LOCAL.test(local) || !UPN_DOMAIN.test(domain)) return undefined;
  if (local.startsWith(".") || local.endsWith(".") || local.includes("..")) return undefined;
  return text.toLowerCase();
}

/** UPNs compare case-insensitively (Entra), so every check and comparison uses this. */
export function isUpn(text: string): boolean {
  return normalizeUpn(text) !== undefined;
}

export const operationIdSchema = z.string().regex(OPERATION_ID_PATTERN, "not an operation id");
export const guidSchema = z.string().regex(GUID_PATTERN, "not a GUID (an Entra object id)");
/** A UPN in job data and records: checked, and lower-cased so comparisons are exact. */
export const upnSchema = z
  .string()
  .refine(isUpn, "not a UPN/email")
  .transform((s) => s.toLowerCase());
