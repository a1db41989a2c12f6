import { describe, expect, it } from "vitest";
import { newPkce, s256Challenge } from "../../src/signin/pkce.js";

describe("PKCE", () => {
  it("makes the S256 challenge of RFC 7636's own example (Appendix B)", () => {
    expect(s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("makes a fresh 43-character verifier each time, and its challenge", () => {
    const a = newPkce();
    const b = newPkce();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.verifier).not.toBe(b.verifier);
    expect(a).toMatchObject({ method: "S256", challenge: s256Challenge(a.verifier) });
  });
});
