import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ParseResult, TargetRef } from "../../src/core/command.js";
import {
  describeTarget,
  HELP_SUMMARY,
  MAX_REASON_LENGTH,
  OPERATION_ID_ALPHABET,
  OPERATION_ID_PATTERN,
  parseCommand,
  USAGE,
} from "../../src/core/grammar.js";

const SLACK_ID = /^[UWS][A-Z0-9]+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const targetSchema = z.union([
  z.strictObject({ kind: z.enum(["slackUser", "slackUserGroup"]), id: z.string().regex(SLACK_ID) }),
  z.strictObject({ kind: z.literal("upn"), upn: z.string().regex(/^[^\sA-Z<>]+@[^\sA-Z<>]+$/) }),
  z.strictObject({ kind: z.enum(["group", "objectId"]), id: z.string().regex(GUID) }),
]);
const userSchema = targetSchema.refine((t) => t.kind !== "group" && t.kind !== "slackUserGroup");
const reason = z
  .string()
  .min(1)
  .refine((r) => r === r.trim() && Array.from(r).length <= MAX_REASON_LENGTH && !/[\p{Cc}\p{Cs}]/u.test(r))
  .optional();
const operationId = z.string().regex(OPERATION_ID_PATTERN);
const commandSchema = z.union([
  z.strictObject({
    verb: z.enum(["status", "enable", "disable", "enforce", "reregister", "remind"]),
    target: userSchema,
    reason,
    forMinutes: z
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 60)
      .optional(),
  }),
  z.strictObject({ verb: z.literal("bulk-enable"), targets: z.array(targetSchema).min(1), reason }),
  z.strictObject({ verb: z.literal("report"), reason }),
  z.strictObject({ verb: z.literal("convert"), mode: z.enum(["plan", "execute"]), reason }),
  z.strictObject({
    verb: z.literal("audit"),
    subject: z.union([
      z.strictObject({ kind: z.literal("user"), target: userSchema }),
      z.strictObject({ kind: z.literal("operation"), id: operationId }),
    ]),
  }),
  z.strictObject({ verb: z.literal("undo"), operationId, reason }),
  z.strictObject({ verb: z.enum(["approve", "reject"]), approvalId: operationId, reason }),
  z.strictObject({
    verb: z.literal("help"),
    topic: z.enum(Object.keys(USAGE) as [string, ...string[]]).optional(),
  }),
]);
const USAGES = new Set([...Object.values(USAGE), HELP_SUMMARY]);

/** Never throws, and the result is one of the two shapes, with a safe, short error. */
function wellFormed(text: string): ParseResult {
  const result = parseCommand(text);
  if (result.ok) {
    expect(commandSchema.safeParse(result.command).error).toBeUndefined();
    if (result.command.verb === "bulk-enable") {
      const keys = result.command.targets.map((t) => JSON.stringify(t));
      expect(new Set(keys).size).toBe(keys.length);
    }
  } else {
    expect(Object.keys(result).sort()).toEqual(["error", "ok", "usage"]);
    expect(result.error).not.toBe("could not read that command");
    expect(result.error.length).toBeGreaterThan(0);
    expect(result.error.length).toBeLessThanOrEqual(180);
    expect(result.error).not.toMatch(/[<>\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]/u);
    expect(USAGES.has(result.usage)).toBe(true);
  }
  return result;
}

const VERBS = [
  "status",
  "enable",
  "disable",
  "enforce",
  "reregister",
  "remind",
  "bulk enable",
  "report",
  "convert",
  "audit",
  "undo",
  "approve",
  "reject",
  "help",
];
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

describe("any text", () => {
  it("arbitrary strings never throw and give a well-formed result", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        wellFormed(text);
      }),
    );
  });

  it("arbitrary unicode, lone surrogates included, after any verb", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("", "mfa ", "/mfa "),
        fc.constantFrom(...VERBS),
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 200 }),
          fc.string({ unit: anyCodeUnit, maxLength: 200 }),
        ),
        (prefix, verb, rest) => {
          wellFormed(`${prefix}${verb} ${rest}`);
          wellFormed(rest);
        },
      ),
    );
  });

  it("fragments of the grammar in any order never throw", () => {
    const fragment = fc.constantFrom(
      "<",
      ">",
      "<@",
      "<!",
      "<!channel>",
      "<!here>",
      "<!everyone>",
      "<!subteam^S1>",
      "<@U1>",
      "<@U2|a b, c>",
      "<mailto:",
      "|",
      '"',
      "“",
      "”",
      "'",
      "--reason",
      "—reason",
      "reason:",
      "=",
      "for",
      "4h",
      "99999d",
      "\n",
      ",",
      ";",
      " ",
      "group:",
      "@",
      "a@contoso.com",
      "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      "k3m9p2xq",
      "plan",
      "\u0000",
      "\u202e",
      "\u200b",
      "🔐",
      "constructor",
    );
    fc.assert(
      fc.property(fc.constantFrom(...VERBS, ""), fc.array(fragment, { maxLength: 40 }), (verb, parts) => {
        wellFormed(`${verb} ${parts.join("")}`);
        wellFormed(`${verb} ${parts.join(" ")}`);
      }),
      { numRuns: 300 },
    );
  });
});

// Generators for valid targets: the text to type and the TargetRef it must parse to.
interface Typed {
  text: string;
  target: TargetRef;
}

function mixCase(text: string, upper: readonly boolean[]): string {
  return Array.from(text, (c, i) => (upper[i % Math.max(upper.length, 1)] ? c.toUpperCase() : c)).join("");
}
const caseMask = fc.array(fc.boolean(), { minLength: 1, maxLength: 8 });
const slackLabel = fc.stringMatching(/^[a-zA-Z0-9 ,._@-]{1,20}$/);

const slackUser: fc.Arbitrary<Typed> = fc
  .tuple(fc.stringMatching(/^[UW][A-Z0-9]{1,12}$/), fc.option(slackLabel))
  .map(([id, label]) => ({
    text: label === null ? `<@${id}>` : `<@${id}|${label}>`,
    target: { kind: "slackUser", id },
  }));
const slackUserGroup: fc.Arbitrary<Typed> = fc
  .tuple(fc.stringMatching(/^S[A-Z0-9]{1,12}$/), fc.option(slackLabel))
  .map(([id, label]) => ({
    text: label === null ? `<!subteam^${id}>` : `<!subteam^${id}|@${label}>`,
    target: { kind: "slackUserGroup", id },
  }));
const upnText = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9$_][a-z0-9._%+'!#$^~&*=?-]{0,15}$/),
    fc.option(fc.constant("#EXT#")),
    fc.stringMatching(/^([a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?\.){1,3}[a-z]([a-z0-9-]{0,5}[a-z0-9])?$/),
  )
  .filter(([local]) => !local.includes("..") && !local.endsWith("."))
  .map(([local, ext, domain]) => `${local}${ext ?? ""}@${domain}`);
const upn: fc.Arbitrary<Typed> = fc.tuple(upnText, caseMask, fc.boolean()).map(([text, mask, mailto]) => {
  const typed = mixCase(text, mask);
  return {
    text: mailto ? `<mailto:${typed}|${typed}>` : typed,
    target: { kind: "upn", upn: text.toLowerCase() },
  };
});
const objectId: fc.Arbitrary<Typed> = fc
  .tuple(fc.uuid(), caseMask)
  .map(([id, mask]) => ({ text: mixCase(id, mask), target: { kind: "objectId", id } }));
const group: fc.Arbitrary<Typed> = fc
  .tuple(fc.uuid(), caseMask)
  .map(([id, mask]) => ({ text: mixCase(`group:${id}`, mask), target: { kind: "group", id } }));

const user = fc.oneof(slackUser, upn, objectId);
const anyTarget = fc.oneof(slackUser, slackUserGroup, upn, objectId, group);
const separator = fc.constantFrom(" ", ",", ";", "\n", ", ", " ; ", "\n\n", ",\n", "\t", " ,; ");

function join(parts: readonly string[], seps: readonly string[]): string {
  return parts.map((part, i) => (i === 0 ? part : `${seps[i % seps.length]}${part}`)).join("");
}

// A reason and how it is typed; its expected form is trimmed with white space collapsed.
const reasonChar = fc.constantFrom(
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:!?#@/()-é中🔐\n\t",
);
const reasonText = fc
  .string({ unit: reasonChar, minLength: 1, maxLength: MAX_REASON_LENGTH })
  .filter((text) => text.trim() !== "");
const typedReason = fc.oneof(
  fc
    .tuple(reasonText, fc.constantFrom(['"', '"'], ["“", "”"], ["'", "'"], ["„", "“"], ["‘", "’"]))
    .map(([text, [open, close]]) => ({ text: `--reason ${open}${text}${close}`, reason: text })),
  reasonText.map((text) => ({ text: `reason: ${text}`, reason: text })),
  fc.stringMatching(/^[a-zA-Z0-9#._-]{1,30}$/).map((word) => ({ text: `--reason ${word}`, reason: word })),
);
const normalized = (text: string) => text.replace(/\s+/g, " ").trim();
const prefix = fc.constantFrom("", "mfa ", "/mfa ", "MFA ", "  ");

describe("valid commands round-trip", () => {
  it("bulk enable: targets, separators and reason come back as generated, duplicates removed", () => {
    fc.assert(
      fc.property(
        prefix,
        fc.array(anyTarget, { minLength: 1, maxLength: 30 }),
        fc.array(separator, { minLength: 1, maxLength: 5 }),
        fc.option(typedReason),
        (pre, targets, seps, reason) => {
          const text = `${pre}bulk enable ${join(
            targets.map((t) => t.text),
            seps,
          )}${reason ? ` ${reason.text}` : ""}`;
          const unique = targets
            .map((t) => t.target)
            .filter(
              (t, i, all) => all.findIndex((other) => JSON.stringify(other) === JSON.stringify(t)) === i,
            );
          const expected = {
            verb: "bulk-enable",
            targets: unique,
            ...(reason && { reason: normalized(reason.reason) }),
          };
          expect(wellFormed(text)).toEqual({ ok: true, command: expected });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("duplicates, typed in any case, are removed and first places kept", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(upnText, { minLength: 1, maxLength: 5, selector: (u) => u.toLowerCase() }),
        fc.array(fc.tuple(fc.nat(), caseMask), { minLength: 1, maxLength: 20 }),
        (pool, picks) => {
          const chosen = picks.map(([i, mask]) => mixCase(pool[i % pool.length]!, mask));
          const firstSeen = [...new Set(chosen.map((u) => u.toLowerCase()))];
          expect(wellFormed(`bulk enable ${chosen.join(", ")}`)).toEqual({
            ok: true,
            command: { verb: "bulk-enable", targets: firstSeen.map((u) => ({ kind: "upn", upn: u })) },
          });
        },
      ),
    );
  });

  it("single-user verbs, with an optional duration and reason", () => {
    const verb = fc.constantFrom("status", "enable", "disable", "enforce", "reregister", "remind");
    const duration = fc.oneof(
      fc.integer({ min: 1, max: 43200 }).map((m) => ({ text: `${m}m`, minutes: m })),
      fc.integer({ min: 1, max: 720 }).map((h) => ({ text: `${h} hours`, minutes: h * 60 })),
      fc.integer({ min: 1, max: 30 }).map((d) => ({ text: `${d}D`, minutes: d * 1440 })),
    );
    fc.assert(
      fc.property(
        prefix,
        verb,
        caseMask,
        user,
        fc.option(duration),
        fc.option(typedReason),
        (pre, v, mask, u, forClause, reason) => {
          const withFor = v === "disable" ? forClause : null;
          const text = `${pre}${mixCase(v, mask)} ${u.text}${withFor ? ` for ${withFor.text}` : ""}${
            reason ? ` ${reason.text}` : ""
          }`;
          expect(wellFormed(text)).toEqual({
            ok: true,
            command: {
              verb: v,
              target: u.target,
              ...(withFor && { forMinutes: withFor.minutes }),
              ...(reason && { reason: normalized(reason.reason) }),
            },
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("operation ids in any case, for undo, approve, reject and audit", () => {
    const id = fc.string({ unit: fc.constantFrom(...OPERATION_ID_ALPHABET), minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(id, caseMask, (opId, mask) => {
        const typed = mixCase(opId, mask);
        expect(wellFormed(`undo ${typed}`)).toEqual({
          ok: true,
          command: { verb: "undo", operationId: opId },
        });
        expect(wellFormed(`approve ${typed}`)).toEqual({
          ok: true,
          command: { verb: "approve", approvalId: opId },
        });
        expect(wellFormed(`reject ${typed}`)).toEqual({
          ok: true,
          command: { verb: "reject", approvalId: opId },
        });
        expect(wellFormed(`audit ${typed}`)).toEqual({
          ok: true,
          command: { verb: "audit", subject: { kind: "operation", id: opId } },
        });
      }),
    );
  });

  it("describeTarget's text parses back to the same target (Slack user groups aside)", () => {
    fc.assert(
      fc.property(fc.oneof(slackUser, upn, objectId, group), ({ target }) => {
        expect(wellFormed(`bulk enable ${describeTarget(target)}`)).toEqual({
          ok: true,
          command: { verb: "bulk-enable", targets: [target] },
        });
      }),
    );
  });
});

describe("hostile input", () => {
  it("10 KB of mentions: one user expected gives a usage error, bulk gives a deduplicated parse", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^U[A-Z0-9]{1,4}$/), { minLength: 1, maxLength: 20 }), (ids) => {
        const mentions: string[] = [];
        let length = 0;
        for (let i = 0; length < 10_000; i++) {
          const mention = `<@${ids[i % ids.length]}>`;
          mentions.push(mention);
          length += mention.length + 1;
        }
        const many = mentions.join(" ");
        const single = wellFormed(`status ${many}`);
        expect(single.ok || single.error).toMatch(/^"status" needs exactly one user, not \d+$/);
        expect(wellFormed(`bulk enable ${many}`)).toEqual({
          ok: true,
          command: {
            verb: "bulk-enable",
            targets: [...new Set(ids)].map((id) => ({ kind: "slackUser", id })),
          },
        });
      }),
      { numRuns: 20 },
    );
  });

  it("a broadcast mention anywhere among bulk targets is refused", () => {
    fc.assert(
      fc.property(
        fc.array(anyTarget, { maxLength: 20 }),
        fc.nat(),
        fc.constantFrom("<!channel>", "<!here>", "<!everyone>", "<!here|here>", "@everyone"),
        (targets, at, broadcast) => {
          const texts = targets.map((t) => t.text);
          texts.splice(at % (texts.length + 1), 0, broadcast);
          expect(wellFormed(`bulk enable ${texts.join(" ")}`)).toEqual({
            ok: false,
            error: "@channel, @here and @everyone cannot be targets",
            usage: USAGE["bulk-enable"],
          });
        },
      ),
    );
  });

  it("long runs of brackets, quotes and markers never throw", () => {
    const unit = fc.constantFrom(
      "<",
      "<@",
      "<!",
      ">",
      '"',
      "“",
      "'",
      "--reason ",
      "reason:",
      " ",
      "\n",
      "a",
      "@",
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...VERBS),
        unit,
        fc.integer({ min: 1_000, max: 19_000 }),
        (verb, piece, count) => {
          wellFormed(`${verb} ${piece.repeat(Math.floor(count / piece.length))}`);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("anything over 20,000 characters is refused as too long", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.integer({ min: 20_001, max: 40_000 }), (text, size) => {
        const long = `status ${text}`.padEnd(size, "x");
        expect(wellFormed(long)).toEqual({ ok: false, error: "command is too long", usage: HELP_SUMMARY });
      }),
      { numRuns: 20 },
    );
  });
});
