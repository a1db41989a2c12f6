import { constants, createHash, type createPublicKey, verify, X509Certificate } from "node:crypto";
import { decodeJwt, verifiesRs256 } from "../signin/jwt.js";

/**
 * Checks a certificate client assertion the way the Microsoft identity platform describes
 * it (https://learn.microsoft.com/entra/identity-platform/certificate-credentials): a JWT
 * whose header names the certificate (`x5t`, base64url SHA-1 of the DER certificate, or
 * `x5t#S256`, SHA-256) and is signed RS256 or PS256 (the page now says PS256; older
 * versions and most clients use RS256), with `aud` the token endpoint, `iss` = `sub` = the
 * client id, and `nbf`/`exp` around now. The refusals carry the AADSTS codes Entra uses
 * (700027 signature, 700023 audience, 700021 issuer/subject, 700024 time range, 50027
 * malformed — https://learn.microsoft.com/azure/developer/javascript/sdk/authentication/troubleshooting).
 */

export type AssertionCheck = { ok: true } | { ok: false; code: number; description: string };

export interface AssertionContext {
  clientId: string;
  /** Audiences this token endpoint answers to (its own URL for the tenant in the path). */
  audiences: readonly string[];
  /** Registered certificates (PEM); none registered means the signature is not checked. */
  certificates: readonly string[];
  nowMs: number;
}

/** Entra allows a little clock skew on nbf/exp. */
const SKEW_SECONDS = 300;

const refuse = (code: number, description: string): AssertionCheck => ({ ok: false, code, description });

function thumbprints(pem: string): { sha1: string; sha256: string; key: ReturnType<typeof createPublicKey> } {
  const certificate = new X509Certificate(pem);
  return {
    sha1: createHash("sha1").update(certificate.raw).digest("base64url"),
    sha256: createHash("sha256").update(certificate.raw).digest("base64url"),
    key: certificate.publicKey,
  };
}

export function checkClientAssertion(assertion: string, context: AssertionContext): AssertionCheck {
  const jwt = decodeJwt(assertion);
  if (!jwt) return refuse(50027, "JWT token is invalid or malformed.");
  const { header, claims } = jwt;
  const alg = header.alg;
  if (alg !== "RS256" && alg !== "PS256") return refuse(50027, "JWT token is invalid or malformed.");

  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((aud) => typeof aud === "string" && context.audiences.includes(aud))) {
    return refuse(
      700023,
      "Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials.",
    );
  }
  if (claims.iss !== context.clientId || claims.sub !== context.clientId) {
    return refuse(
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials.",
    );
  }
  const now = Math.floor(context.nowMs / 1000);
  const exp = typeof claims.exp === "number" ? claims.exp : undefined;
  const nbf = typeof claims.nbf === "number" ? claims.nbf : undefined;
  if (exp === undefined || now > exp + SKEW_SECONDS || (nbf !== undefined && now < nbf - SKEW_SECONDS)) {
    return refuse(700024, "Client assertion is not within its valid time range.");
  }

  if (context.certificates.length === 0) return { ok: true };
  const registered = context.certificates.map(thumbprints);
  const named = registered.find((cert) => cert.sha1 === header.x5t || cert.sha256 === header["x5t#S256"]);
  if (!named) {
    return refuse(
      700027,
      "The certificate with identifier used to sign the client assertion is not registered on application.",
    );
  }
  const valid =
    alg === "PS256"
      ? verify(
          "sha256",
          Buffer.from(jwt.signingInput),
          { key: named.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
          jwt.signature,
        )
      : verifiesRs256(jwt, named.key);
  return valid ? { ok: true } : refuse(700027, "Client assertion contains an invalid signature.");
}
