import { createHash, randomInt } from "node:crypto";
import { OPERATION_ID_ALPHABET, OPERATION_ID_LENGTH } from "../core/ids.js";

/** A fresh operation id in the grammar's typeable alphabet (`undo k7m3qx2p`). */
export function newOperationId(): string {
  let id = "";
  for (let i = 0; i < OPERATION_ID_LENGTH; i++)
    id += OPERATION_ID_ALPHABET[randomInt(OPERATION_ID_ALPHABET.length)];
  return id;
}

/**
 * The operation id for a request, the same every time: a retried job finds the operation
 * its earlier attempt created instead of creating (and posting) a second one.
 */
export function operationIdFor(seed: string): string {
  const digest = createHash("sha256").update(seed).digest();
  let id = "";
  for (let i = 0; i < OPERATION_ID_LENGTH; i++)
    id += OPERATION_ID_ALPHABET[(digest[i] ?? 0) % OPERATION_ID_ALPHABET.length];
  return id;
}
