import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { capMrkdwn, escapeText } from "../../../adapters/slack/escape.js";

describe("escapeText", () => {
  it("turns Slack's control characters into entities", () => {
    expect(escapeText("<!channel> & <@U123|boss> <https://x.example|y>")).toBe(
      "&lt;!channel&gt; &amp; &lt;@U123|boss&gt; &lt;https://x.example|y&gt;",
    );
  });

  it("keeps bare broadcasts inert and strips direction overrides", () => {
    expect(escapeText("hi @here and @Channel")).toBe("hi @\u2060here and @\u2060Channel");
    expect(escapeText("abc\u202edef")).toBe("abcdef");
    expect(escapeText("émoji 🙂 ok")).toBe("émoji 🙂 ok");
  });

  it("never leaves a < or > or a bare & (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-composite", maxLength: 200 }), (s) => {
        const out = escapeText(s);
        expect(out).not.toMatch(/[<>]/);
        expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }),
    );
  });
});

describe("capMrkdwn", () => {
  it("leaves short text alone", () => {
    expect(capMrkdwn("short", 10)).toBe("short");
  });

  it("never cuts an entity, our own <…> markup or a surrogate pair (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme-composite", maxLength: 300 }),
        fc.integer({ min: 8, max: 120 }),
        (s, max) => {
          const text = `${escapeText(s)} <!date^1700000000^{date_short_pretty}|2023>`;
          const out = capMrkdwn(text, max);
          expect(out.length).toBeLessThanOrEqual(max);
          if (out !== text) {
            expect(out.endsWith("…")).toBe(true);
            const body = out.slice(0, -1);
            expect(body).not.toMatch(/&[a-z]*$/);
            expect(body.lastIndexOf("<")).toBeLessThanOrEqual(body.lastIndexOf(">"));
            const last = body.charCodeAt(body.length - 1);
            expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
          }
        },
      ),
    );
  });
});
