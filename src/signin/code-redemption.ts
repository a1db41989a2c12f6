import { z } from "zod";
import {
  type CertificateCredential,
  clientAuthentication,
  tokenErrorMessage,
} from "../directory/graph/token.js";

/**
 * Redeems a sign-in's authorization code at the tenant's token endpoint, as a confidential web
 * app does (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token):
 * `grant_type=authorization_code`, the `code`, the same `redirect_uri` and the PKCE
 * `code_verifier`, with the app's client secret or certificate assertion — the same credential
 * the Graph token client sends (src/directory/graph/token.ts). Only the ID token is kept; the
 * code, the access token and the ID token are never logged or shown.
 */

export interface AppCredential {
  clientId: string;
  clientSecret?: string | undefined;
  certificate?: CertificateCredential | undefined;
}

export interface Redemption {
  tokenUrl: string;
  credential: AppCredential;
  code: string;
  redirectUri: string;
  codeVerifier: string;
  fetch: typeof fetch;
  nowMs: number;
}

export type Redeemed = { ok: true; idToken: string } | { ok: false; reason: string };

const tokenAnswer = z.object({ id_token: z.string().min(1) });
const errorAnswer = z.object({ error: z.string(), error_description: z.string().optional() });

export async function redeemCode(r: Redemption): Promise<Redeemed> {
  const body = new URLSearchParams({
    client_id: r.credential.clientId,
    grant_type: "authorization_code",
    code: r.code,
    redirect_uri: r.redirectUri,
    code_verifier: r.codeVerifier,
    // OpenID scopes only: the ID token is all the bot wants from the sign-in.
    scope: "openid profile",
    ...clientAuthentication(r.credential, r.tokenUrl, r.nowMs),
  });
  let response: Response;
  try {
    response = await r.fetch(r.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body,
    });
  } catch {
    return { ok: false, reason: `the token endpoint (${r.tokenUrl}) could not be reached; try again` };
  }
  const answer: unknown = await response.json().catch(() => undefined);
  if (response.ok) {
    const parsed = tokenAnswer.safeParse(answer);
    return parsed.success
      ? { ok: true, idToken: parsed.data.id_token }
      : { ok: false, reason: "Entra answered the sign-in without an ID token" };
  }
  const error = errorAnswer.safeParse(answer);
  if (!error.success) return { ok: false, reason: `the token endpoint answered HTTP ${response.status}` };
  return { ok: false, reason: tokenErrorMessage(error.data.error, error.data.error_description) };
}
