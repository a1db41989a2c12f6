import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkIdToken, ID_TOKEN_SKEW_SECONDS, type KeySource } from "../../src/signin/id-token.js";
import { signRs256 } from "../../src/signin/jwt.js";

/**
 * The ID token check with real RS256 signatures from key pairs made here (not the sandbox's),
 * against the rules of https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference
 * and https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-issuer.
 */

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "6e2b1f44-3c1a-4f0e-9a51-4c8d2b7e9f10";
const OID = "00aa11bb-22cc-33dd-44ee-55ff66778899";
const AUTHORITY = "https://login.microsoftonline.com";
const ISSUER = `${AUTHORITY}/${TENANT}/v2.0`;
const NOW = 1_750_000_000_000;
const now = NOW / 1000;

function pair() {
  return generateKeyPairSync("rsa", { modulusLength: 2048 });
}
const published = pair();
const foreign = pair();

/** The tenant as its configuration and keys document describe it. */
function tenantKeys(
  options: { issuer?: string; keys?: Record<string, { key: KeyObject; issuer?: string }> } = {},
): KeySource {
  const keys = options.keys ?? { "kid-1": { key: published.publicKey } };
  return {
    issuer: async () => options.issuer ?? ISSUER,
    key: async (kid) => keys[kid],
  };
}

function claims(overrides: Record<string, unknown> = {}) {
  return {
    aud: CLIENT,
    iss: ISSUER,
    iat: now - 10,
    nbf: now - 10,
    exp: now + 3600,
    name: "Mia Manager",
    nonce: "the-nonce-of-this-sign-in",
    oid: OID,
    preferred_username: "manager@contoso.com",
    sub: "pairwise-subject",
    tid: TENANT,
    ver: "2.0",
    ...overrides,
  };
}

function token(
  overrides: Record<string, unknown> = {},
  options: { header?: Record<string, unknown>; key?: KeyObject } = {},
) {
  return signRs256(
    { kid: "kid-1", ...options.header },
    claims(overrides),
    options.key ?? published.privateKey,
  );
}

const expected = { clientId: CLIENT, tenant: TENANT, nonce: "the-nonce-of-this-sign-in", nowMs: NOW };

async function reasonFor(jwt: string, keys = tenantKeys(), expectations = expected): Promise<string> {
  const checked = await checkIdToken(jwt, keys, expectations);
  if (checked.ok) throw new Error("accepted");
  return checked.reason;
}

describe("checkIdToken", () => {
  it("accepts the tenant's token for this app and sign-in, and gives the object id", async () => {
    expect(await checkIdToken(token(), tenantKeys(), expected)).toEqual({
      ok: true,
      identity: { objectId: OID, tenantId: TENANT, username: "manager@contoso.com", name: "Mia Manager" },
    });
  });

  it("refuses what is not a JWT, or not RS256 (alg none included)", async () => {
    expect(await reasonFor("not-a-token")).toBe("the sign-in answer did not hold an ID token");
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", kid: "kid-1" })).toString("base64url")}.${Buffer.from(JSON.stringify(claims())).toString("base64url")}.AA`;
    expect(await reasonFor(unsigned)).toMatch(/signed with "none", not RS256/);
    expect(await reasonFor(token({}, { header: { alg: "HS256" } }))).toMatch(/signed with "HS256"/);
  });

  it("refuses a signature by another key, and a kid the tenant does not publish", async () => {
    expect(await reasonFor(token({}, { key: foreign.privateKey }))).toBe(
      "the ID token's signature does not match your tenant's published key",
    );
    expect(await reasonFor(token({}, { header: { kid: "kid-2" } }))).toBe(
      "the ID token is signed with a key your tenant does not publish",
    );
    expect(await reasonFor(token({}, { header: { kid: undefined } }))).toBe(
      "the ID token is signed with a key your tenant does not publish",
    );
    // A claim changed after signing.
    const [h, , s] = token().split(".");
    const edited = `${h}.${Buffer.from(JSON.stringify(claims({ oid: "11111111-1111-1111-1111-111111111111" }))).toString("base64url")}.${s}`;
    expect(await reasonFor(edited)).toBe(
      "the ID token's signature does not match your tenant's published key",
    );
  });

  it("wants this app as the audience: a string, or a list holding it (with azp when it holds more)", async () => {
    expect(await reasonFor(token({ aud: "another-app" }))).toMatch(/issued to another application/);
    expect((await checkIdToken(token({ aud: [CLIENT] }), tenantKeys(), expected)).ok).toBe(true);
    expect(await reasonFor(token({ aud: [CLIENT, "other"] }))).toMatch(/another application/);
    expect(
      (await checkIdToken(token({ aud: [CLIENT, "other"], azp: CLIENT }), tenantKeys(), expected)).ok,
    ).toBe(true);
  });

  it("wants the configured tenant, as a GUID tid", async () => {
    const other = "11111111-2222-3333-4444-555555555555";
    expect(await reasonFor(token({ tid: other, iss: `${AUTHORITY}/${other}/v2.0` }))).toBe(
      `the ID token is from another tenant (${other}), not ${TENANT}`,
    );
    expect(await reasonFor(token({ tid: "contoso.com" }))).toBe("the ID token names no tenant (tid)");
    expect(await reasonFor(token({ tid: undefined }))).toBe("the ID token names no tenant (tid)");
  });

  it("takes a tenant configured by domain name as the GUID its issuer names", async () => {
    const byDomain = { ...expected, tenant: "contoso.onmicrosoft.com" };
    expect((await checkIdToken(token(), tenantKeys(), byDomain)).ok).toBe(true);
    const other = "11111111-2222-3333-4444-555555555555";
    expect(
      await reasonFor(token({ tid: other, iss: `${AUTHORITY}/${other}/v2.0` }), tenantKeys(), byDomain),
    ).toMatch(/another tenant/);
    // `common` has no one tenant: nothing to check a sign-in against.
    const common = tenantKeys({ issuer: `${AUTHORITY}/{tenantid}/v2.0` });
    expect(await reasonFor(token(), common, { ...expected, tenant: "common" })).toMatch(
      /names no single tenant/,
    );
  });

  it("wants exactly the tenant's issuer (with {tenantid} filled in), and the key's own issuer to agree", async () => {
    expect(await reasonFor(token({ iss: `https://sts.windows.net/${TENANT}/` }))).toBe(
      `the ID token was issued by "https://sts.windows.net/${TENANT}/", not by your tenant (${ISSUER})`,
    );
    expect(await reasonFor(token({ iss: `https://login.microsoftonline.us/${TENANT}/v2.0` }))).toMatch(
      /not by your tenant/,
    );
    const template = tenantKeys({ issuer: `${AUTHORITY}/{tenantid}/v2.0` });
    expect((await checkIdToken(token(), template, expected)).ok).toBe(true);
    const scoped = tenantKeys({
      keys: {
        "kid-1": {
          key: published.publicKey,
          issuer: `${AUTHORITY}/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0`,
        },
      },
    });
    expect(await reasonFor(token(), scoped)).toBe(
      "the ID token is signed with a key your tenant publishes for another issuer",
    );
    const anyTenant = tenantKeys({
      keys: { "kid-1": { key: published.publicKey, issuer: `${AUTHORITY}/{tenantid}/v2.0` } },
    });
    expect((await checkIdToken(token(), anyTenant, expected)).ok).toBe(true);
  });

  it("wants the nonce this sign-in sent", async () => {
    expect(await reasonFor(token({ nonce: "another" }))).toBe(
      "the ID token does not answer this sign-in (its nonce is not the one sent)",
    );
    expect(await reasonFor(token({ nonce: undefined }))).toMatch(/nonce/);
  });

  it("allows a small clock skew on exp, nbf and iat, and no more", async () => {
    const skew = ID_TOKEN_SKEW_SECONDS;
    expect((await checkIdToken(token({ exp: now - skew + 1 }), tenantKeys(), expected)).ok).toBe(true);
    expect(await reasonFor(token({ exp: now - skew }))).toBe("the ID token has expired");
    expect(await reasonFor(token({ exp: undefined }))).toBe("the ID token has expired");
    expect((await checkIdToken(token({ nbf: now + skew, iat: now + skew }), tenantKeys(), expected)).ok).toBe(
      true,
    );
    expect(await reasonFor(token({ nbf: now + skew + 1 }))).toMatch(/not valid yet/);
    expect(await reasonFor(token({ iat: now + skew + 1 }))).toMatch(/not valid yet/);
    expect(await reasonFor(token({ iat: undefined }))).toMatch(/not valid yet/);
  });

  it("wants the object id, the one thing a link may key on", async () => {
    expect(await reasonFor(token({ oid: undefined }))).toMatch(/no object id \(oid\)/);
    expect(await reasonFor(token({ oid: "manager@contoso.com" }))).toMatch(/no object id/);
  });
});
