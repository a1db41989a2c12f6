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

/**
 * The identity comparison: the one way an actor, a policy entry (role or protected) and a target
 * named by address are compared, everywhere. `normalizeUpn` above reads what a person typed
 * (syntax); this decides whether that address can stand for an Entra account at all, and gives
 * the key it compares by.
 *
 * An address is refused, never folded into another, when
 * - it changes under Unicode normalisation (NFKC): "\u212Airk" (KELVIN SIGN) and full-width
 *   "ｋｉｒｋ" fold to "kirk", so accepting them would let one account be taken for another;
 * - it holds a character Entra does not allow in a user principal name: A–Z, a–z, 0–9 and
 *   ' . - _ ! # ^ ~ (https://learn.microsoft.com/entra/identity/authentication/concept-sspr-policy#userprincipalname-policies-that-apply-to-all-user-accounts),
 *   and `$`, which Microsoft Graph documents at the start of a UPN
 *   (https://learn.microsoft.com/graph/api/user-get — "If the userPrincipalName begins with a `$`
 *   character…"). Cyrillic and Greek look-alikes and `+tags` are therefore refused, not stripped;
 * - it is not shaped as an address (normalizeUpn).
 * Only ASCII letters are then lower-cased, the one fold Entra itself makes (UPNs compare
 * case-insensitively), so two addresses share a key exactly when they differ in ASCII case alone.
 */
export type AddressCheck =
  | { ok: true; key: string }
  | {
      ok: false;
      /** `shape`: not name@domain at all; the others: an address refused for a character. */
      kind: "shape" | "normalisation" | "character";
      /** What is wrong, without the address: "contains "+" (U+002B), which …". */
      problem: string;
      /** The address (quoted, cut short) and what is wrong with it, for a person to read. */
      reason: string;
    };

const ENTRA_UPN_CHARACTER = /^[A-Za-z0-9'._!#^~$@-]$/;
const ENTRA_UPN_CHARACTERS = "A–Z, a–z, 0–9 and ' . - _ ! # ^ ~";
const ONE_AT_SIGN = /^[^@]+@[^@]+$/;
const MAX_ADDRESS_SHOWN = 80;

export function checkAddress(text: string): AddressCheck {
  if (typeof text !== "string") return refused("shape", '""', "is not an address (name@domain)");
  const shown = showAddress(text);
  if (!ONE_AT_SIGN.test(text)) return refused("shape", shown, "is not an address (name@domain)");
  if (text.normalize("NFKC") !== text) {
    const changed = [...text].find((c) => c.normalize("NFKC") !== c) ?? "";
    return refused(
      "normalisation",
      shown,
      `is not a plain address: ${describeCharacter(changed)} changes under Unicode normalisation (NFKC) into ${JSON.stringify(changed.normalize("NFKC"))}, so it could pass for another account`,
    );
  }
  const outside = [...text].find((c) => !ENTRA_UPN_CHARACTER.test(c));
  if (outside !== undefined) {
    return refused(
      "character",
      shown,
      `contains ${describeCharacter(outside)}, which Entra does not allow in a user principal name (only ${ENTRA_UPN_CHARACTERS})`,
    );
  }
  const key = normalizeUpn(text);
  if (key === undefined) return refused("shape", shown, "is not an address (name@domain)");
  return { ok: true, key };
}

function refused(
  kind: Exclude<AddressCheck, { ok: true }>["kind"],
  shown: string,
  problem: string,
): AddressCheck {
  return { ok: false, kind, problem, reason: `${shown} ${problem}` };
}

/** The comparison key of an address, or undefined when checkAddress refuses it. */
export function addressKey(text: string): string | undefined {
  const checked = checkAddress(text);
  return checked.ok ? checked.key : undefined;
}

/**
 * An address as it travels in job data: its key when it passes checkAddress, and otherwise the
 * text exactly as given, so that the worker can refuse it with the reason and audit it.
 */
export function canonicalAddress(text: string): string {
  return addressKey(text) ?? text;
}

/** Two addresses name the same account: both pass checkAddress and their keys are equal. */
export function sameAddress(a: string, b: string): boolean {
  const key = addressKey(a);
  return key !== undefined && key === addressKey(b);
}

function describeCharacter(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const hex = code.toString(16).toUpperCase().padStart(4, "0");
  const visible = code < 0x20 || (code >= 0x7f && code < 0xa0) || /\s/.test(c) ? "" : `"${c}" `;
  return `${visible}(U+${hex})`;
}

function showAddress(text: string): string {
  const quoted = JSON.stringify(text);
  return quoted.length > MAX_ADDRESS_SHOWN ? `${quoted.slice(0, MAX_ADDRESS_SHOWN - 1)}…` : quoted;
}

export const operationIdSchema = z.string().regex(OPERATION_ID_PATTERN, "not an operation id");
export const guidSchema = z.string().regex(GUID_PATTERN, "not a GUID (an Entra object id)");
/** A UPN the bot itself read from the directory, in job data and records: checked, as its key. */
export const upnSchema = z
  .string()
  .refine((s) => addressKey(s) !== undefined, "not a UPN/email")
  .transform((s) => addressKey(s)!);

/**
 * An address a person or a chat platform gave (a requester's profile email, a target as typed):
 * shaped like one, and in canonical form when it passes checkAddress. One that does not pass is
 * kept as given so that the worker refuses it with the reason and audits the refusal; nothing
 * on the way folds it into another address.
 */
export const addressSchema = z
  .string()
  .max(320)
  .regex(/^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+$/u, "not a UPN/email")
  .transform(canonicalAddress);
