import { createPublicKey, type KeyObject } from "node:crypto";
import { z } from "zod";
import { isLoopbackUrl } from "../config/loopback.js";
import type { Logger } from "../log.js";

/**
 * The tenant's OpenID configuration and published signing keys, as the Microsoft identity
 * platform serves them and says to use them:
 * - the configuration at `{authority}/{tenant}/v2.0/.well-known/openid-configuration`, whose
 *   `issuer` an ID token's `iss` must match and whose `jwks_uri` lists the keys
 *   (https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#fetch-the-openid-configuration-document);
 * - keys discovered from the tenant-specific endpoint, cached by `kid` for 24 hours, refreshed
 *   every hour, and fetched again at once when a token names an unknown `kid` — "but no more
 *   frequently than 5mins" (https://learn.microsoft.com/entra/identity-platform/signing-key-rollover#best-practices-for-keys-metadata-caching-and-validation).
 * A refresh that fails keeps the keys already known.
 */

export class SignInSetupError extends Error {
  override readonly name = "SignInSetupError";
}

export interface TenantKeysOptions {
  /** AZURE_AUTHORITY_HOST, without a trailing slash. */
  authorityHost: string;
  /** AZURE_TENANT_ID: a GUID or a domain name. */
  tenant: string;
  fetch: typeof fetch;
  now: () => number;
  logger: Logger;
  /**
   * Least time between two refreshes that a token with an unknown `kid` may cause.
   * @defaultValue 300_000 (Microsoft's five minutes)
   */
  minRefreshIntervalMs?: number;
  /**
   * Keys (and the configuration) older than this are fetched again before use.
   * @defaultValue 3_600_000
   */
  refreshIntervalMs?: number;
  /**
   * How long a key stays usable after it was last seen published.
   * @defaultValue 86_400_000
   */
  keyTtlMs?: number;
}

export interface SigningKey {
  key: KeyObject;
  /** The `issuer` the keys document gives the key, when it gives one. */
  issuer?: string;
}

const configurationSchema = z.object({
  issuer: z.string().min(1),
  jwks_uri: z.url(),
});

/** RFC 7517 keys as the keys endpoint lists them; only RSA signing keys are kept. */
const keysSchema = z.object({
  keys: z.array(
    z.looseObject({
      kty: z.string(),
      use: z.string().optional(),
      kid: z.string().min(1),
      n: z.string().optional(),
      e: z.string().optional(),
      issuer: z.string().optional(),
    }),
  ),
});

export class TenantKeys {
  private configuration: { issuer: string; jwksUri: string } | undefined;
  private readonly keys = new Map<string, SigningKey & { expiresAt: number }>();
  private lastRefresh: number | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly minRefreshIntervalMs: number;
  private readonly refreshIntervalMs: number;
  private readonly keyTtlMs: number;

  constructor(private readonly options: TenantKeysOptions) {
    this.minRefreshIntervalMs = options.minRefreshIntervalMs ?? 5 * 60_000;
    this.refreshIntervalMs = options.refreshIntervalMs ?? 60 * 60_000;
    this.keyTtlMs = options.keyTtlMs ?? 24 * 60 * 60_000;
  }

  /** The configuration document's URL for the tenant. */
  get configurationUrl(): string {
    return `${this.options.authorityHost}/${encodeURIComponent(this.options.tenant)}/v2.0/.well-known/openid-configuration`;
  }

  /** The tenant's issuer, as its configuration document names it (`…/{tid}/v2.0`). */
  async issuer(): Promise<string> {
    await this.fresh();
    return this.configuration!.issuer;
  }

  /**
   * The published key with this `kid`; an unknown one makes the keys be fetched once more
   * (at most every minRefreshIntervalMs). Undefined: the tenant publishes no such key.
   */
  async key(kid: string): Promise<SigningKey | undefined> {
    await this.fresh();
    const known = this.usable(kid);
    if (known) return known;
    const now = this.options.now();
    if (this.lastRefresh === undefined || now - this.lastRefresh >= this.minRefreshIntervalMs) {
      await this.refresh();
    }
    return this.usable(kid);
  }

  private usable(kid: string): SigningKey | undefined {
    const entry = this.keys.get(kid);
    if (!entry || entry.expiresAt <= this.options.now()) return undefined;
    return { key: entry.key, ...(entry.issuer ? { issuer: entry.issuer } : {}) };
  }

  /** Fetches when nothing is known yet or what is known is older than refreshIntervalMs. */
  private async fresh(): Promise<void> {
    const now = this.options.now();
    if (
      this.configuration &&
      this.lastRefresh !== undefined &&
      now - this.lastRefresh < this.refreshIntervalMs
    )
      return;
    try {
      await this.refresh();
    } catch (err) {
      // The last known good configuration and keys go on working (the caching algorithm's
      // "Error Handling" step); with nothing known, there is nothing to check a token against.
      if (!this.configuration) throw err;
      this.options.logger.warn({ err: String(err) }, "sign-in: could not refresh the tenant's signing keys");
    }
  }

  /** One refresh at a time, whoever asks. */
  private refresh(): Promise<void> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async load(): Promise<void> {
    const configuration = configurationSchema.safeParse(await this.getJson(this.configurationUrl));
    if (!configuration.success) {
      throw new SignInSetupError(
        `the OpenID configuration at ${this.configurationUrl} has no issuer or jwks_uri`,
      );
    }
    const jwksUri = configuration.data.jwks_uri;
    if (!jwksUri.startsWith("https://") && !isLoopbackUrl(jwksUri)) {
      throw new SignInSetupError(`the tenant's keys are published over plain http (${jwksUri})`);
    }
    const keys = keysSchema.safeParse(await this.getJson(jwksUri));
    if (!keys.success)
      throw new SignInSetupError(`the keys document at ${jwksUri} is not a JSON Web Key Set`);
    const now = this.options.now();
    for (const jwk of keys.data.keys) {
      if (jwk.kty !== "RSA" || (jwk.use !== undefined && jwk.use !== "sig") || !jwk.n || !jwk.e) continue;
      let key: KeyObject;
      try {
        key = createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" });
      } catch {
        this.options.logger.warn({ kid: jwk.kid }, "sign-in: a published key is not a usable RSA key");
        continue;
      }
      this.keys.set(jwk.kid, {
        key,
        ...(jwk.issuer ? { issuer: jwk.issuer } : {}),
        expiresAt: now + this.keyTtlMs,
      });
    }
    this.configuration = { issuer: configuration.data.issuer, jwksUri };
    this.lastRefresh = now;
  }

  private async getJson(url: string): Promise<unknown> {
    let response: Response;
    try {
      response = await this.options.fetch(url, { headers: { accept: "application/json" } });
    } catch (cause) {
      throw new SignInSetupError(`cannot reach ${url}`, { cause });
    }
    if (!response.ok) throw new SignInSetupError(`${url} answered HTTP ${response.status}`);
    return response.json().catch(() => undefined);
  }
}
