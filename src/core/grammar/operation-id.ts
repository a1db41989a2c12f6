/**
 * Operation and approval ids are typed back by people (`undo k3m9p2xq`), so they are short
 * and drawn from an alphabet without look-alikes (no i, l, o, 0, 1).
 */
export const OPERATION_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
export const OPERATION_ID_LENGTH = 8;

/** The canonical (lower-case) form; use it to validate ids the bot issued, e.g. in job data. */
export const OPERATION_ID_PATTERN = /^[abcdefghjkmnpqrstuvwxyz23456789]{8}$/;

/** Whether typed text is an operation id; people may type it in upper case. */
export function isOperationId(text: string): boolean {
  return normalizeOperationId(text) !== undefined;
}

/** The canonical form of a typed operation id, or undefined when the text is not one. */
export function normalizeOperationId(text: string): string | undefined {
  if (typeof text !== "string" || text.length !== OPERATION_ID_LENGTH) return undefined;
  const id = text.toLowerCase();
  return OPERATION_ID_PATTERN.test(id) ? id : undefined;
}
