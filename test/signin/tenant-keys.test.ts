import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import { SignInSetupError, TenantKeys } from "../../src/signin/tenant-keys.js";

/**
 * The tenant's configuration and keys, fetched and cached as
 * https://learn.microsoft.com/entra/identity-platform/signing-key-rollover asks: discovered from the
 * tenant-specific configuration, cached by kid, fetched again at once for an unknown kid but not
 * more often than every five minutes, and the last good keys kept when a refresh fails.
 */

const AUTHORITY = "https://login.microsoftonline.com";
const TENANT = "contoso.onmicrosoft.com";
const ISSUER = `${AUTHORITY}/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0`;
const JWKS = `${AUTHORITY}/${TENANT}/discovery/v2.0/keys`;

function jwk(kid: string) {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const { n, e } = publicKey.export({ format: "jwk" });
  return {
    kty: "RSA",
    use: "sig",
    kid,
    x5t: kid,
    n,
    e,
    x5c: ["MIID…"],
    issuer: `${AUTHORITY}/{tenantid}/v2.0`,
  };
}

function tenant(options: { jwksUri?: string } = {}) {
  let clock = 1_000_000;
  const published: { keys: unknown[] } = { keys: [jwk("k1")] };
  const requests: string[] = [];
  let down = false;
  const fetchStub = (async (input: string | URL | Request) => {
    const url = String(input);
    requests.push(url);
    if (down) throw new TypeError("fetch failed");
    if (url === `${AUTHORITY}/${TENANT}/v2.0/.well-known/openid-configuration`) {
      return Response.json({ issuer: ISSUER, jwks_uri: options.jwksUri ?? JWKS, token_endpoint: "…" });
    }
    if (url === (options.jwksUri ?? JWKS)) return Response.json(published);
    return new Response("not found", { status: 404 });
  }) as typeof fetch;
  const keys = new TenantKeys({
    authorityHost: AUTHORITY,
    tenant: TENANT,
    fetch: fetchStub,
    now: () => clock,
    logger: silentLogger,
  });
  return {
    keys,
    published,
    requests,
    advance: (ms: number) => {
      clock += ms;
    },
    setDown: (value: boolean) => {
      down = value;
    },
  };
}

describe("TenantKeys", () => {
  it("discovers the keys from the tenant's OpenID configuration, and keeps them", async () => {
    const t = tenant();
    expect(await t.keys.issuer()).toBe(ISSUER);
    const k1 = await t.keys.key("k1");
    expect(k1?.key.asymmetricKeyType).toBe("rsa");
    expect(k1?.issuer).toBe(`${AUTHORITY}/{tenantid}/v2.0`);
    await t.keys.key("k1");
    expect(t.requests).toEqual([`${AUTHORITY}/${TENANT}/v2.0/.well-known/openid-configuration`, JWKS]);
  });

  it("fetches once more for an unknown kid, finding a key rolled in since", async () => {
    const t = tenant();
    await t.keys.key("k1");
    t.published.keys.push(jwk("k2"));
    t.advance(5 * 60_000);
    expect(await t.keys.key("k2")).toBeDefined();
    expect(t.requests).toHaveLength(4);
  });

  it("does not fetch again for unknown kids more often than every five minutes", async () => {
    const t = tenant();
    await t.keys.key("k1");
    t.advance(60_000);
    expect(await t.keys.key("forged-1")).toBeUndefined();
    expect(await t.keys.key("forged-2")).toBeUndefined();
    expect(t.requests).toHaveLength(2);
    t.advance(4 * 60_000);
    expect(await t.keys.key("forged-3")).toBeUndefined();
    expect(t.requests).toHaveLength(4);
  });

  it("refreshes keys older than an hour, and keeps the last good ones when that fails", async () => {
    const t = tenant();
    await t.keys.key("k1");
    t.advance(61 * 60_000);
    t.setDown(true);
    expect(await t.keys.key("k1")).toBeDefined();
    // With nothing known yet, a failure is the caller's to report.
    const fresh = tenant();
    fresh.setDown(true);
    await expect(fresh.keys.issuer()).rejects.toBeInstanceOf(SignInSetupError);
  });

  it("drops a key a day after it was last published", async () => {
    const t = tenant();
    await t.keys.key("k1");
    t.published.keys = [jwk("k2")];
    for (let hour = 0; hour < 25; hour++) {
      t.advance(61 * 60_000);
      await t.keys.key("k2");
    }
    expect(await t.keys.key("k1")).toBeUndefined();
  });

  it("refuses keys published over plain http to another machine", async () => {
    const t = tenant({ jwksUri: "http://keys.contoso.example/keys" });
    await expect(t.keys.key("k1")).rejects.toThrow(/published over plain http/);
  });
});
