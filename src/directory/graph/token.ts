import { createHash, randomUUID, X509Certificate } from "node:crypto";
import { z } from "zod";
import type { Logger } from "../../log.js";
import { signRs256 } from "../../signin/jwt.js";
import { DirectoryError } from "../errors.js";
import { backoffDelay, parseRetryAfter, type Timing } from "./retry.js";

/**
 * A client-credentials token client on `fetch`. msal-node and @azure/identity refuse an
 * http authority, and the sandbox tenant serves its token endpoint over http on
 * 127.0.0.1, so this small client is what both the real tenant and the sandbox use.
 */

export interface CertificateCredential {
  privateKeyPem: string;
  certificatePem: string;
}

export interface TokenClientOptions {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  certificate?: CertificateCredential;
  graphBaseUrl: string;
  fetch: typeof fetch;
  timing: Timing;
  logger: Logger;
  maxRetries: number;
  backoffBaseMs: number;
  maxBackoffMs: number;
}

export interface TokenSource {
  getToken(): Promise<string>;
  /** Forget `token` (Graph rejected it) so the next call fetches a fresh one. */
  invalidate(token: string): void;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
});

const tokenErrorBody = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

/** The `.default` scope of the Graph the bot talks to; a local http sandbox stands in for global Graph. */
export function graphScope(graphBaseUrl: string): string {
  const url = new URL(graphBaseUrl);
  if (url.protocol === "http:") return "https://graph.microsoft.com/.default";
  return `${url.origin}/.default`;
}

export function tokenUrlOf(authorityHost: string, tenantId: string): string {
  return `${authorityHost.replace(/\/+$/, "")}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
}

/**
 * The certificate credential: an RS256 JWT whose `x5t` header (base64url SHA-1 of the
 * DER certificate) tells Entra which registered certificate to check it against.
 */
export function buildClientAssertion(input: {
  clientId: string;
  tokenUrl: string;
  certificate: CertificateCredential;
  nowMs: number;
}): string {
  const der = new X509Certificate(input.certificate.certificatePem).raw;
  const issuedAt = Math.floor(input.nowMs / 1000);
  const claims = {
    aud: input.tokenUrl,
    iss: input.clientId,
    sub: input.clientId,
    jti: randomUUID(),
    nbf: issuedAt,
    iat: issuedAt,
    exp: issuedAt + 600,
  };
  return signRs256(
    { x5t: createHash("sha1").update(der).digest("base64url") },
    claims,
    input.certificate.privateKeyPem,
  );
}

/**
 * How the app proves who it is to the token endpoint, for any grant: its client secret, or a
 * certificate assertion made for `tokenUrl` (the secret is not sent when a certificate is given).
 * The Graph token client and the sign-in code redemption (src/signin) both send these fields.
 */
export function clientAuthentication(
  credential: {
    clientId: string;
    clientSecret?: string | undefined;
    certificate?: CertificateCredential | undefined;
  },
  tokenUrl: string,
  nowMs: number,
): Record<string, string> {
  if (credential.certificate) {
    return {
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: buildClientAssertion({
        clientId: credential.clientId,
        tokenUrl,
        certificate: credential.certificate,
        nowMs,
      }),
    };
  }
  return credential.clientSecret ? { client_secret: credential.clientSecret } : {};
}

/** What to do about the AADSTS codes an operator actually meets. */
const AADSTS_HINTS: Record<string, string> = {
  AADSTS7000215: "the client secret is wrong or expired",
  AADSTS7000222: "the client secret has expired — create a new one in Entra",
  AADSTS700016: "the client id is wrong, or the app is not registered in this tenant",
  AADSTS90002: "the tenant id is wrong (no such tenant)",
  AADSTS900023: "the tenant id is not a valid tenant id or domain",
  AADSTS700027: "the certificate is not registered on the app, or the private key does not match it",
  AADSTS700024: "the client assertion is outside its valid time — check this machine's clock",
  AADSTS50049: "the authority host is not a valid Entra cloud (check AZURE_AUTHORITY_HOST)",
  AADSTS7000112: "the app is disabled in this tenant",
  AADSTS1002012: "the scope is wrong for this cloud — check GRAPH_BASE_URL",
  // Redeeming a sign-in code (src/signin):
  // https://learn.microsoft.com/entra/identity-platform/reference-error-codes
  AADSTS54005: "the sign-in code was already used",
  AADSTS70008: "the sign-in code has expired",
  AADSTS70000: "the sign-in code is not valid",
  AADSTS501481: "the PKCE code verifier does not match the sign-in's code challenge",
  AADSTS50011:
    "the redirect URI is not one registered on the app — register MFA_BOT_PUBLIC_URL + /auth/callback as a Web redirect URI",
};

export function tokenErrorMessage(error: string, description: string | undefined): string {
  const firstLine = description?.split(/\r?\n/)[0]?.trim() ?? "";
  const code = /AADSTS\d+/.exec(firstLine)?.[0];
  const hint =
    (code && AADSTS_HINTS[code]) ??
    (error === "invalid_client"
      ? "the client credentials were refused"
      : `Entra refused the token request (${error})`);
  return firstLine ? `${hint} — ${firstLine}` : hint;
}

export function createTokenClient(options: TokenClientOptions): TokenSource {
  const tokenUrl = tokenUrlOf(options.authorityHost, options.tenantId);
  const scope = graphScope(options.graphBaseUrl);
  const { timing, logger } = options;
  if (!options.clientSecret && !options.certificate) {
    throw new DirectoryError("auth", "no client credential: set AZURE_CLIENT_SECRET or a certificate");
  }

  let cached: { token: string; refreshAt: number; expiresAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  function form(): URLSearchParams {
    return new URLSearchParams({
      client_id: options.clientId,
      scope,
      grant_type: "client_credentials",
      ...clientAuthentication(options, tokenUrl, timing.now()),
    });
  }

  async function requestToken(): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const started = timing.now();
      let response: Response;
      try {
        response = await options.fetch(tokenUrl, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: form(),
        });
      } catch (cause) {
        logger.warn({ op: "token", err: String(cause), ms: timing.now() - started }, "token request failed");
        if (attempt >= options.maxRetries) {
          throw new DirectoryError("unavailable", `cannot reach the token endpoint ${tokenUrl}`, { cause });
        }
        await timing.sleep(backoffDelay(attempt, options.backoffBaseMs, options.maxBackoffMs, timing.random));
        continue;
      }
      const ms = timing.now() - started;
      const body: unknown = await response.json().catch(() => undefined);
      logger.info({ op: "token", status: response.status, ms }, "token request");
      if (response.ok) {
        const parsed = tokenResponse.safeParse(body);
        if (!parsed.success) {
          throw new DirectoryError("auth", "the token endpoint answered without an access token");
        }
        const lifetimeS = parsed.data.expires_in;
        // Refresh five minutes early; a short-lived token at half its life.
        const refreshInS = lifetimeS > 600 ? lifetimeS - 300 : lifetimeS / 2;
        const now = timing.now();
        cached = {
          token: parsed.data.access_token,
          refreshAt: now + refreshInS * 1000,
          expiresAt: now + lifetimeS * 1000,
        };
        return parsed.data.access_token;
      }
      const retryable = response.status >= 500 || response.status === 429;
      if (retryable && attempt < options.maxRetries) {
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"), timing.now());
        await timing.sleep(
          retryAfter ?? backoffDelay(attempt, options.backoffBaseMs, options.maxBackoffMs, timing.random),
        );
        continue;
      }
      const error = tokenErrorBody.safeParse(body);
      if (error.success) {
        throw new DirectoryError("auth", tokenErrorMessage(error.data.error, error.data.error_description), {
          status: response.status,
          graphCode: error.data.error,
        });
      }
      throw new DirectoryError(
        retryable ? "unavailable" : "auth",
        `the token endpoint answered HTTP ${response.status}`,
        { status: response.status },
      );
    }
  }

  return {
    async getToken() {
      const now = timing.now();
      if (cached && now < cached.refreshAt) return cached.token;
      if (!inflight) {
        inflight = requestToken().finally(() => {
          inflight = undefined;
        });
      }
      const stale = cached;
      try {
        return await inflight;
      } catch (error) {
        // A refresh that fails while the old token still works must not stop the bot.
        if (stale && timing.now() < stale.expiresAt - 30_000) {
          logger.warn({ op: "token", err: String(error) }, "token refresh failed; using the current token");
          stale.refreshAt = timing.now() + 30_000;
          return stale.token;
        }
        throw error;
      }
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
