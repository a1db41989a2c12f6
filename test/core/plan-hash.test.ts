import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plan } from "../../src/core/plan.js";
import { planHash } from "../../src/core/plan-hash.js";
import type { Plan, PlanItem } from "../../src/core/plan-types.js";

type Substance = Omit<Plan, "hash">;

const alice: PlanItem = {
  kind: "change",
  userId: "alice-id",
  upn: "alice@contoso.com",
  op: "setState",
  from: "disabled",
  to: "enabled",
  flags: ["reregistration-needed"],
};
const bob: PlanItem = {
  kind: "noop",
  userId: "bob-id",
  upn: "bob@contoso.com",
  state: "enabled",
  reason: "already enabled — waiting for registration",
};
const carol: PlanItem = {
  kind: "refused",
  ref: "carol@contoso.com",
  userId: "carol-id",
  upn: "carol@contoso.com",
  reason: "carol@contoso.com is a protected break-glass account",
  rule: "protected",
};
const ghost: PlanItem = { kind: "notFound", ref: "<@U404>" };

function substance(items: PlanItem[], over: Partial<Substance> = {}): Substance {
  return {
    action: "enable",
    bulk: true,
    items,
    requiresApproval: true,
    approvalReasons: ["the policy requires approval for bulk enable"],
    warnings: [],
    ...over,
  };
}

const base = substance([alice, bob, carol, ghost]);

describe("planHash", () => {
  it("is 16 lower-case hex characters", () => {
    expect(planHash(base)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("is the SHA-256 of a fixed canonical form (a known vector: the format must not drift)", () => {
    const canonical =
      '{"action":"enable","bulk":false,"requiresApproval":false,"items":[' +
      '{"kind":"change","userId":"a","op":"setState","from":"disabled","to":"enabled","flags":[]}]}';
    const expected = createHash("sha256").update(canonical).digest("hex").slice(0, 16);
    const item: PlanItem = {
      kind: "change",
      userId: "a",
      upn: "a@contoso.com",
      op: "setState",
      from: "disabled",
      to: "enabled",
      flags: [],
    };
    expect(planHash(substance([item], { bulk: false, requiresApproval: false }))).toBe(expected);
  });

  it("does not depend on the order of items or of flags", () => {
    const twoFlags: PlanItem = { ...alice, flags: ["reregistration-needed", "leaves-no-mfa"] };
    const reversed: PlanItem = { ...alice, flags: ["leaves-no-mfa", "reregistration-needed"] };
    expect(planHash(substance([ghost, carol, bob, twoFlags]))).toBe(
      planHash(substance([reversed, bob, carol, ghost])),
    );
  });

  it("ignores wording: reasons, warnings, approval reasons, upn and the typed ref of a found user", () => {
    const reworded = substance(
      [
        { ...alice, upn: "alice.renamed@contoso.com" },
        { ...bob, reason: "nothing to do" },
        { ...carol, reason: "protected", ref: "<@UCAROL>" },
        ghost,
      ],
      { warnings: ["a warning"], approvalReasons: ["another reason"] },
    );
    expect(planHash(reworded)).toBe(planHash(base));
  });

  const changes: [string, Substance][] = [
    ["the action", { ...base, action: "disable" }],
    ["bulk", { ...base, bulk: false }],
    ["requiresApproval", { ...base, requiresApproval: false }],
    ["a change's from", substance([{ ...alice, from: "enforced" }, bob, carol, ghost])],
    ["a change's to", substance([{ ...alice, to: "enforced" }, bob, carol, ghost])],
    ["a change's op", substance([{ ...alice, op: "reregister" }, bob, carol, ghost])],
    ["a change's flags", substance([{ ...alice, flags: [] }, bob, carol, ghost])],
    ["a change's user", substance([{ ...alice, userId: "mallory-id" }, bob, carol, ghost])],
    ["a noop's state", substance([alice, { ...bob, state: "enforced" }, carol, ghost])],
    ["a refusal's rule", substance([alice, bob, { ...carol, rule: "permission" }, ghost])],
    ["a not-found ref", substance([alice, bob, carol, { kind: "notFound", ref: "<@U405>" }])],
    [
      "an item's kind",
      substance([
        alice,
        { kind: "refused", ref: "bob", userId: "bob-id", reason: "", rule: "protected" },
        carol,
        ghost,
      ]),
    ],
    ["a dropped item", substance([alice, bob, carol])],
    ["a duplicated item", substance([alice, alice, bob, carol, ghost])],
  ];
  for (const [what, changed] of changes) {
    it(`changes when ${what} changes`, () => {
      expect(planHash(changed)).not.toBe(planHash(base));
    });
  }
});

describe("plan fills the hash", () => {
  it("with planHash of its own substance", () => {
    const p = plan({
      action: "enable",
      bulk: false,
      actor: { upn: "admin@contoso.com", roles: ["admin"] },
      policy: { requireApproval: [] },
      targets: [
        {
          ref: "a@contoso.com",
          user: { id: "a", upn: "a@contoso.com", displayName: "A" },
          perUserMfaState: "disabled",
          registration: { isMfaRegistered: false, methods: [] },
          isProtected: false,
          coveredByConditionalAccess: false,
        },
      ],
    });
    const { hash, ...rest } = p;
    expect(hash).toBe(planHash(rest));
  });
});

describe("planHash properties", () => {
  const itemArb: fc.Arbitrary<PlanItem> = fc.oneof(
    fc.record({
      kind: fc.constant("change" as const),
      userId: fc.string({ maxLength: 6 }),
      upn: fc.string({ maxLength: 6 }),
      op: fc.constantFrom("setState" as const, "reregister" as const),
      from: fc.constantFrom("disabled", "enabled", "enforced"),
      to: fc.constantFrom("disabled" as const, "enabled" as const, "enforced" as const),
      flags: fc.subarray([
        "reregistration-needed" as const,
        "leaves-no-mfa" as const,
        "legacy-apps-need-app-passwords" as const,
      ]),
    }),
    fc.record({
      kind: fc.constant("noop" as const),
      userId: fc.string({ maxLength: 6 }),
      upn: fc.string({ maxLength: 6 }),
      state: fc.string({ maxLength: 10 }),
      reason: fc.string({ maxLength: 6 }),
    }),
    fc.record({
      kind: fc.constant("refused" as const),
      ref: fc.string({ maxLength: 6 }),
      reason: fc.string({ maxLength: 6 }),
      rule: fc.constantFrom("protected", "permission", "manual-enforce"),
    }),
    fc.record({ kind: fc.constant("notFound" as const), ref: fc.string({ maxLength: 6 }) }),
  );

  it("two plans hash alike exactly when their substance is the same multiset", () => {
    const canon = (items: PlanItem[]) =>
      items
        .map((i) => {
          const { reason: _r, upn: _u, ...rest } = i as PlanItem & { reason?: string; upn?: string };
          if (rest.kind === "change") return JSON.stringify({ ...rest, flags: [...rest.flags].sort() });
          return JSON.stringify(rest);
        })
        .sort()
        .join("\n");
    fc.assert(
      fc.property(fc.array(itemArb, { maxLength: 6 }), fc.array(itemArb, { maxLength: 6 }), (a, b) => {
        const same = canon(a) === canon(b);
        expect(planHash(substance(a)) === planHash(substance(b))).toBe(same);
      }),
      { numRuns: 500 },
    );
  });

  it("is stable under any permutation of the items", () => {
    const arb = fc
      .array(itemArb, { maxLength: 10 })
      .chain((items) =>
        fc.tuple(
          fc.constant(items),
          fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }),
        ),
      );
    fc.assert(
      fc.property(arb, ([items, shuffled]) => {
        expect(planHash(substance(shuffled))).toBe(planHash(substance(items)));
      }),
    );
  });
});
