import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { namesOf } from "../../src/config/roles.js";
import { addressKey, checkAddress } from "../../src/core/ids.js";

/**
 * Fuzzing the identity comparison (src/core/ids.ts, checkAddress): whatever text arrives — a
 * Slack profile email, a Teams UPN, a policy entry, a typed target — two addresses share a key
 * only when they differ in ASCII letter case, so no text is ever taken for another account.
 */

const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
const isAscii = (text: string) => [...text].every((c) => c.charCodeAt(0) < 0x80);

// Entra's UPN characters (and "$"): https://learn.microsoft.com/entra/identity/authentication/concept-sspr-policy
const localChar = fc.constantFrom(
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'_!#^~$-",
);
const labelChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
const local = fc
  .array(fc.array(localChar, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.map((p) => p.join("")).join("."));
const label = fc.array(labelChar, { minLength: 1, maxLength: 10 }).map((cs) => cs.join(""));
const domain = fc
  .tuple(
    fc.array(label, { minLength: 1, maxLength: 3 }),
    fc.constantFrom("com", "net", "onmicrosoft.com", "co.uk"),
  )
  .map(([labels, tld]) => `${labels.join(".")}.${tld}`);
const address = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);

/** Characters that look like, or fold into, ASCII letters and digits. */
const LOOK_ALIKES = [
  "\u212A", // KELVIN SIGN → K
  "\u212B", // ANGSTROM SIGN → Å
  "\u017F", // LATIN SMALL LETTER LONG S → s (under toUpperCase)
  "\u0131", // dotless i
  "\u0130", // I with dot above, whose toLowerCase is two code points
  "\u0430", // Cyrillic а
  "\u043E", // Cyrillic о
  "\u0435", // Cyrillic е
  "\u0455", // Cyrillic ѕ
  "\u03BF", // Greek ο
  "\u039A", // Greek Κ
  "\u0391", // Greek Α
  "\uFF4B", // full-width k
  "\uFF21", // full-width A
  "\uFF10", // full-width 0
  "\uFF20", // full-width @
  "\u00AA", // ª → a
  "\u2160", // Ⅰ → I
  "\u1D00", // small capital A
  "\u0261", // script g
  "\u200B", // zero-width space
  "\u00AD", // soft hyphen
  "\u0301", // combining acute accent
  "+",
  "&",
  "%",
];

describe("checkAddress, fuzzed", () => {
  it("never throws, and accepts only ASCII, NFKC-stable text, keyed by its ASCII lower case", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: "binary" }), address, fc.string({ unit: "grapheme" })),
        (text) => {
          const checked = checkAddress(text);
          if (!checked.ok) {
            expect(checked.reason.length).toBeGreaterThan(0);
            return;
          }
          expect(isAscii(text)).toBe(true);
          expect(text.normalize("NFKC")).toBe(text);
          expect(checked.key).toBe(asciiLower(text));
          expect(addressKey(checked.key)).toBe(checked.key);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("accepts every address Entra allows, in any ASCII case, as one account", () => {
    fc.assert(
      fc.property(address, fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), (text, mask) => {
        const mixed = [...text]
          .map((c, i) => (mask[i % mask.length] ? c.toUpperCase() : c.toLowerCase()))
          .join("");
        expect(addressKey(text)).toBe(asciiLower(text));
        expect(addressKey(mixed)).toBe(addressKey(text));
      }),
      { numRuns: 1_000 },
    );
  });

  it("refuses an address with a look-alike, a +tag or any non-ASCII character anywhere, never folding it", () => {
    const inserted = fc
      .tuple(
        address,
        fc.oneof(fc.constantFrom(...LOOK_ALIKES), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })),
        fc.nat(),
      )
      .filter(([, c]) => !isAscii(c) || "+&%".includes(c))
      .map(([text, c, at]) => {
        const i = at % (text.length + 1);
        return { original: text, changed: `${text.slice(0, i)}${c}${text.slice(i)}` };
      });
    fc.assert(
      fc.property(inserted, ({ original, changed }) => {
        expect(checkAddress(changed).ok).toBe(false);
        expect(namesOf(changed).size).toBe(0);
        expect(namesOf(changed).has(addressKey(original)!)).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it("refuses a look-alike substituted for a letter, whatever toLowerCase or NFKC would make of it", () => {
    const substituted = fc
      .tuple(address, fc.constantFrom(...LOOK_ALIKES.filter((c) => !isAscii(c))), fc.nat())
      .map(([text, c, at]) => {
        const i = at % text.length;
        return `${text.slice(0, i)}${c}${text.slice(i + 1)}`;
      });
    fc.assert(
      fc.property(substituted, (text) => {
        expect(addressKey(text)).toBeUndefined();
      }),
      { numRuns: 1_000 },
    );
  });

  it("gives two texts one key only when they differ in ASCII case", () => {
    fc.assert(
      fc.property(
        fc.oneof(address, fc.string({ unit: "binary" })),
        fc.oneof(address, fc.string({ unit: "binary" })),
        (a, b) => {
          const ka = addressKey(a);
          if (ka !== undefined && ka === addressKey(b)) expect(asciiLower(a)).toBe(asciiLower(b));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
