import { createHash, randomBytes } from "node:crypto";

/**
 * Proof Key for Code Exchange (RFC 7636), which the Microsoft identity platform recommends for
 * every app type, confidential web apps included
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code —
 * `code_challenge`: "now recommended for all application types"). Always S256: `plain` would hand
 * the verifier to anyone who sees the authorize URL.
 */

/** A fresh random value, base64url: 32 bytes give the 43 characters RFC 7636 §4.1 asks of a verifier. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2). */
export function s256Challenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

export interface Pkce {
  verifier: string;
  challenge: string;
  method: "S256";
}

export function newPkce(): Pkce {
  const verifier = randomToken(32);
  return { verifier, challenge: s256Challenge(verifier), method: "S256" };
}
