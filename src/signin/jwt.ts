import { type KeyObject, sign, verify } from "node:crypto";

/**
 * JSON Web Tokens in their compact form (RFC 7519, RFC 7515 §7.1): three base64url parts,
 * header.claims.signature. Only RS256 (RSASSA-PKCS1-v1_5 with SHA-256) is made and checked here:
 * it is what the Microsoft identity platform signs ID tokens with ("alg … For example: RS256",
 * https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference#header-claims)
 * and what client assertions use. Node's crypto does the work; no JOSE library is needed for one
 * algorithm.
 */

export type JsonObject = Record<string, unknown>;

export interface DecodedJwt {
  header: JsonObject;
  claims: JsonObject;
  /** `header.claims` as sent: what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

function decodePart(part: string | undefined): JsonObject | undefined {
  if (!part || !/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as JsonObject)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The parts of a compact JWT, or undefined when it is not one (nothing is verified here). */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [headerPart, claimsPart, signaturePart] = parts;
  const header = decodePart(headerPart);
  const claims = decodePart(claimsPart);
  if (!header || !claims || !signaturePart || !/^[A-Za-z0-9_-]+$/.test(signaturePart)) return undefined;
  return {
    header,
    claims,
    signingInput: `${headerPart}.${claimsPart}`,
    signature: Buffer.from(signaturePart, "base64url"),
  };
}

/** Whether `key` made the RS256 signature of `jwt`. */
export function verifiesRs256(jwt: DecodedJwt, key: KeyObject): boolean {
  try {
    return verify("sha256", Buffer.from(jwt.signingInput), key, jwt.signature);
  } catch {
    // A key of another type (EC, a symmetric secret) cannot have made an RS256 signature.
    return false;
  }
}

/** An RS256-signed compact JWT; `header` gets `alg` and `typ` unless it names them. */
export function signRs256(header: JsonObject, claims: JsonObject, privateKey: KeyObject | string): string {
  const encode = (value: JsonObject) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const signingInput = `${encode({ alg: "RS256", typ: "JWT", ...header })}.${encode(claims)}`;
  const signature = sign("sha256", Buffer.from(signingInput), privateKey);
  return `${signingInput}.${signature.toString("base64url")}`;
}
