import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plan, summarizePlan } from "../../src/core/plan.js";
import type {
  ChangeAction,
  Plan,
  PlanFlag,
  PlanItem,
  PlanRequest,
  TargetView,
} from "../../src/core/plan-types.js";
import { APPROVABLE_ACTIONS, type ApprovableAction, ROLES, type Role } from "../../src/core/roles.js";
import type { KnownMfaState } from "../../src/core/states.js";

/**
 * Sentences of Microsoft's page on per-user MFA states (https://learn.microsoft.com/en-us/entra/identity/authentication/howto-mfa-userstates, as it read when the rules
 * were written) that the rules enforce, quoted verbatim so a reader can find each one.
 */
const REFERENCE = {
  threeStates: "User accounts in Azure Multi-Factor Authentication have the following three distinct states:",
  threePossible: "There are three possible states for a user account:",
  allStartDisabled: "All users start out Disabled.",
  enrollEnabled:
    "When you enroll users in Azure Multi-Factor Authentication, their state changes to Enabled.",
  reenable:
    "If MFA is re-enabled on a user object that already has registration details, such as phone or email, then administrators need to have that user re-register MFA via Azure portal or PowerShell.",
  stuckEnabled:
    "If the user doesn't re-register, their MFA state doesn't transition from Enabled to Enforced in MFA management UI.",
  autoEnforced:
    "Enabled users are automatically switched to Enforced when they register for Azure Multi-Factor Authentication.",
  noManualEnforce: "Don't manually change the user state to Enforced.",
  noDirectEnforce:
    "Don't move users directly to the Enforced state. If you do so, non-browser-based apps stop working because the user hasn't gone through Azure Multi-Factor Authentication registration and obtained an app password.",
  appPasswords:
    "Also, if your organization uses non-browser apps that don't support modern authentication, they need to create app passwords.",
  dontCombine: "You shouldn't enable or enforce users if you're using Conditional Access policies.",
  caRecommended:
    "Enabling Azure Multi-Factor Authentication using Conditional Access policies is the recommended approach.",
  twoWays:
    "There are two ways to secure user sign-in events by requiring multi-factor authentication in Azure AD.",
  caNoStateChange:
    "Enabling Azure Multi-Factor Authentication through a Conditional Access policy doesn't change the state of the user.",
  securityDefaults:
    "For Azure AD free tenants without Conditional Access, you can use security defaults to protect users.",
  convert: "Convert users from per-user MFA to Conditional Access based MFA",
  disableAll: "# Disable MFA for all users",
  bulk: "Using PowerShell is a good option when you need to bulk enable users.",
} as const;

// ---------------------------------------------------------------------------------------
// Fixtures

type Reg = "none" | "methodsOnly" | "registered";
const REGISTRATION: Record<Reg, TargetView["registration"]> = {
  none: { isMfaRegistered: false, methods: [] },
  // "registration details, such as phone or email" without a completed MFA registration.
  methodsOnly: { isMfaRegistered: false, methods: ["mobilePhone"] },
  registered: {
    isMfaRegistered: true,
    methods: ["microsoftAuthenticatorPush"],
    defaultMethod: "microsoftAuthenticatorPush",
  },
};

interface ViewOptions {
  state?: string;
  reg?: Reg;
  protected?: boolean;
  covered?: boolean;
  /** Covered only by security defaults. */
  defaultsOnly?: boolean;
  coverageNote?: string;
  ref?: string;
}

function view(id: string, o: ViewOptions = {}): TargetView {
  return {
    ref: o.ref ?? `${id}@contoso.com`,
    user: { id, upn: `${id}@contoso.com`, displayName: id },
    perUserMfaState: o.state ?? "disabled",
    registration: REGISTRATION[o.reg ?? "none"],
    isProtected: o.protected ?? false,
    coveredByConditionalAccess: o.covered ?? false,
    ...(o.defaultsOnly ? { coveredBySecurityDefaultsOnly: true } : {}),
    ...(o.coverageNote ? { coverageNote: o.coverageNote } : {}),
  };
}

function missing(ref: string): TargetView {
  return { ...view("ghost"), ref, user: null };
}

interface RequestOptions {
  roles?: Role[];
  bulk?: boolean;
  requireApproval?: ApprovableAction[];
  restoreTo?: Record<string, KnownMfaState>;
}

function request(action: ChangeAction, targets: TargetView[], o: RequestOptions = {}): PlanRequest {
  return {
    action,
    bulk: o.bulk ?? false,
    actor: { upn: "actor@contoso.com", roles: o.roles ?? ["admin"] },
    targets,
    policy: { requireApproval: o.requireApproval ?? [] },
    ...(o.restoreTo === undefined ? {} : { restoreTo: o.restoreTo }),
  };
}

function only(p: Plan): PlanItem {
  expect(p.items).toHaveLength(1);
  return p.items[0]!;
}

// ---------------------------------------------------------------------------------------
// The full cross product against an oracle written as an explicit decision table.

type Expected =
  | { kind: "change"; op: "setState" | "reregister"; to: KnownMfaState | "same"; flags: PlanFlag[] }
  | { kind: "noop" }
  | { kind: "refused"; rule: string }
  | { kind: "notFound" };

type Restore = KnownMfaState | "missing";
const ALL_STATES: KnownMfaState[] = ["disabled", "enabled", "enforced"];
const ALL_REGS: Reg[] = ["none", "methodsOnly", "registered"];
const ALL_RESTORES: Restore[] = ["missing", "disabled", "enabled", "enforced"];

interface Row {
  action: ChangeAction;
  state: KnownMfaState[];
  reg: Reg[];
  covered: boolean[];
  restore?: Restore[];
  expect: Expected;
}

const ANY_COVER = [true, false];
const DETAILS: Reg[] = ["methodsOnly", "registered"];
const NOT_DONE: Reg[] = ["none", "methodsOnly"];
const RRN: PlanFlag = "reregistration-needed";
const LEGACY: PlanFlag = "legacy-apps-need-app-passwords";
const NO_MFA: PlanFlag = "leaves-no-mfa";

const change = (
  to: KnownMfaState | "same",
  flags: PlanFlag[] = [],
  op: "setState" | "reregister" = "setState",
) => ({ kind: "change", op, to, flags }) as const;
const noop = { kind: "noop" } as const;
const refused = (rule: string) => ({ kind: "refused", rule }) as const;

/** First matching row wins. Read it against Microsoft's page, not against plan-item.ts. */
const TABLE: Row[] = [
  // enable
  { action: "enable", state: ["disabled"], reg: ["none"], covered: ANY_COVER, expect: change("enabled") },
  {
    action: "enable",
    state: ["disabled"],
    reg: DETAILS,
    covered: ANY_COVER,
    expect: change("enabled", [RRN]),
  },
  { action: "enable", state: ["enabled", "enforced"], reg: ALL_REGS, covered: ANY_COVER, expect: noop },
  // enforce
  { action: "enforce", state: ["enforced"], reg: ALL_REGS, covered: ANY_COVER, expect: noop },
  {
    action: "enforce",
    state: ["disabled", "enabled"],
    reg: ["registered"],
    covered: ANY_COVER,
    expect: change("enforced", [LEGACY]),
  },
  {
    action: "enforce",
    state: ["disabled", "enabled"],
    reg: NOT_DONE,
    covered: ANY_COVER,
    expect: refused("manual-enforce"),
  },
  // disable
  { action: "disable", state: ["disabled"], reg: ALL_REGS, covered: ANY_COVER, expect: noop },
  {
    action: "disable",
    state: ["enabled", "enforced"],
    reg: ALL_REGS,
    covered: [true],
    expect: change("disabled"),
  },
  {
    action: "disable",
    state: ["enabled", "enforced"],
    reg: ALL_REGS,
    covered: [false],
    expect: change("disabled", [NO_MFA]),
  },
  // reregister
  { action: "reregister", state: ALL_STATES, reg: ["none"], covered: ANY_COVER, expect: noop },
  {
    action: "reregister",
    state: ALL_STATES,
    reg: DETAILS,
    covered: ANY_COVER,
    expect: change("same", [], "reregister"),
  },
  // convert
  { action: "convert", state: ["disabled"], reg: ALL_REGS, covered: ANY_COVER, expect: noop },
  {
    action: "convert",
    state: ["enabled", "enforced"],
    reg: ALL_REGS,
    covered: [true],
    expect: change("disabled"),
  },
  {
    action: "convert",
    state: ["enabled", "enforced"],
    reg: ALL_REGS,
    covered: [false],
    expect: refused("convert-uncovered"),
  },
  // undo
  {
    action: "undo",
    restore: ["missing"],
    state: ALL_STATES,
    reg: ALL_REGS,
    covered: ANY_COVER,
    expect: refused("undo-no-record"),
  },
  {
    action: "undo",
    restore: ["disabled"],
    state: ["disabled"],
    reg: ALL_REGS,
    covered: ANY_COVER,
    expect: noop,
  },
  {
    action: "undo",
    restore: ["enabled"],
    state: ["enabled"],
    reg: ALL_REGS,
    covered: ANY_COVER,
    expect: noop,
  },
  {
    action: "undo",
    restore: ["enforced"],
    state: ["enforced"],
    reg: ALL_REGS,
    covered: ANY_COVER,
    expect: noop,
  },
  {
    action: "undo",
    restore: ["enforced"],
    state: ["disabled", "enabled"],
    reg: NOT_DONE,
    covered: ANY_COVER,
    expect: refused("manual-enforce"),
  },
  {
    action: "undo",
    restore: ["enforced"],
    state: ["disabled", "enabled"],
    reg: ["registered"],
    covered: ANY_COVER,
    expect: change("enforced", [LEGACY]),
  },
  {
    action: "undo",
    restore: ["enabled"],
    state: ["disabled"],
    reg: ["none"],
    covered: ANY_COVER,
    expect: change("enabled"),
  },
  {
    action: "undo",
    restore: ["enabled"],
    state: ["disabled"],
    reg: DETAILS,
    covered: ANY_COVER,
    expect: change("enabled", [RRN]),
  },
  {
    action: "undo",
    restore: ["enabled"],
    state: ["enforced"],
    reg: ALL_REGS,
    covered: ANY_COVER,
    expect: change("enabled"),
  },
  {
    action: "undo",
    restore: ["disabled"],
    state: ["enabled", "enforced"],
    reg: ALL_REGS,
    covered: [true],
    expect: change("disabled"),
  },
  {
    action: "undo",
    restore: ["disabled"],
    state: ["enabled", "enforced"],
    reg: ALL_REGS,
    covered: [false],
    expect: change("disabled", [NO_MFA]),
  },
];

interface Case {
  action: ChangeAction;
  bulk: boolean;
  restore: Restore;
  state: string;
  reg: Reg;
  isProtected: boolean;
  covered: boolean;
  roles: Role[];
  found: boolean;
  policy: "none" | "all";
}

function oracle(c: Case): { item: Expected; requiresApproval: boolean } {
  const item = oracleItem(c);
  const byPolicy = c.policy === "all" && c.action !== "enforce";
  const requiresApproval =
    item.kind === "change" && (byPolicy || (item.flags as readonly string[]).includes(NO_MFA));
  return { item, requiresApproval };
}

function oracleItem(c: Case): Expected {
  // Every change command is an admin's; bulk is an admin's too.
  if (!c.roles.includes("admin")) return refused("permission");
  if (!c.found) return { kind: "notFound" };
  if (c.isProtected) return refused("protected");
  if (!["disabled", "enabled", "enforced"].includes(c.state)) return refused("unknown-state");
  const row = TABLE.find(
    (r) =>
      r.action === c.action &&
      r.state.includes(c.state as KnownMfaState) &&
      r.reg.includes(c.reg) &&
      r.covered.includes(c.covered) &&
      (r.restore === undefined || r.restore.includes(c.restore)),
  );
  if (row === undefined) throw new Error(`the decision table has no row for ${JSON.stringify(c)}`);
  return row.expect;
}

function actual(item: PlanItem): Expected {
  switch (item.kind) {
    case "change":
      return {
        kind: "change",
        op: item.op,
        to: item.op === "reregister" && item.from === item.to ? "same" : item.to,
        flags: [...item.flags].sort(),
      };
    case "noop":
      return { kind: "noop" };
    case "refused":
      return { kind: "refused", rule: item.rule };
    case "notFound":
      return { kind: "notFound" };
  }
}

const ROLE_SETS: Role[][] = [[]];
for (const role of ROLES) {
  for (const set of [...ROLE_SETS]) ROLE_SETS.push([...set, role]);
}

const VARIANTS: { action: ChangeAction; bulk: boolean; restore: Restore }[] = [
  { action: "enable", bulk: false, restore: "missing" },
  { action: "enable", bulk: true, restore: "missing" },
  { action: "disable", bulk: false, restore: "missing" },
  { action: "enforce", bulk: false, restore: "missing" },
  { action: "reregister", bulk: false, restore: "missing" },
  { action: "convert", bulk: false, restore: "missing" },
  ...ALL_RESTORES.map((restore) => ({ action: "undo" as const, bulk: false, restore })),
];

describe("every combination of state × action × registered × protected × role × CA cover", () => {
  for (const variant of VARIANTS) {
    const label = `${variant.bulk ? "bulk " : ""}${variant.action}${variant.action === "undo" ? ` to ${variant.restore}` : ""}`;
    it(`${label}: matches the decision table`, () => {
      const mismatches: string[] = [];
      let checked = 0;
      for (const state of [...ALL_STATES, "unknownFutureValue"])
        for (const reg of ALL_REGS)
          for (const isProtected of [false, true])
            for (const roles of ROLE_SETS)
              for (const covered of [false, true])
                for (const found of [true, false])
                  for (const policy of ["none", "all"] as const) {
                    const c: Case = { ...variant, state, reg, isProtected, covered, roles, found, policy };
                    const t = view("u1", { state, reg, protected: isProtected, covered });
                    const target = found ? t : { ...t, user: null };
                    const p = plan(
                      request(variant.action, [target], {
                        roles,
                        bulk: variant.bulk,
                        requireApproval: policy === "all" ? [...APPROVABLE_ACTIONS] : [],
                        ...(variant.restore === "missing" ? {} : { restoreTo: { u1: variant.restore } }),
                      }),
                    );
                    const want = oracle(c);
                    const got = { item: actual(only(p)), requiresApproval: p.requiresApproval };
                    const wantSorted = {
                      ...want,
                      item:
                        want.item.kind === "change"
                          ? { ...want.item, flags: [...want.item.flags].sort() }
                          : want.item,
                    };
                    checked += 1;
                    if (JSON.stringify(got) !== JSON.stringify(wantSorted)) {
                      mismatches.push(
                        `${JSON.stringify(c)}: want ${JSON.stringify(wantSorted)}, got ${JSON.stringify(got)}`,
                      );
                    }
                  }
      expect(checked).toBe(4 * 3 * 2 * 8 * 2 * 2 * 2);
      expect(mismatches).toEqual([]);
    });
  }
});

// ---------------------------------------------------------------------------------------
// Focused tests, one rule at a time.

describe("targets the directory does not know", () => {
  it("are listed as not found with the name the requester typed", () => {
    const p = plan(request("enable", [missing("<@U404>")]));
    expect(only(p)).toEqual({ kind: "notFound", ref: "<@U404>" });
    expect(p.requiresApproval).toBe(false);
  });
});

describe('protected accounts (README: "the protected break-glass accounts" no command changes)', () => {
  for (const action of ["enable", "disable", "enforce", "reregister", "convert", "undo"] as const) {
    it(`${action} refuses a break-glass account, whatever its state and whoever asks`, () => {
      const t = view("breakglass", { state: "enforced", reg: "registered", protected: true, covered: true });
      const item = only(
        plan(
          request(action, [t], {
            roles: ["helpdesk", "admin", "approver"],
            restoreTo: { breakglass: "disabled" },
          }),
        ),
      );
      expect(item).toMatchObject({ kind: "refused", rule: "protected", userId: "breakglass" });
      if (item.kind === "refused") expect(item.reason).toContain("break-glass");
    });
  }
});

describe("permission: a change needs the admin role", () => {
  it("refuses every target, found or not, with a reason the user can act on", () => {
    const p = plan(
      request("enable", [view("a"), missing("nobody@contoso.com"), view("b")], { roles: ["helpdesk"] }),
    );
    expect(p.items.map((i) => i.kind)).toEqual(["refused", "refused", "refused"]);
    for (const item of p.items) {
      expect(item).toMatchObject({
        rule: "permission",
        reason:
          "you need the admin role to enable MFA; ask an admin or get the role added to the policy file",
      });
    }
    expect(p.requiresApproval).toBe(false);
  });

  it("an approver alone may not change states", () => {
    const item = only(plan(request("disable", [view("a", { state: "enabled" })], { roles: ["approver"] })));
    expect(item).toMatchObject({ kind: "refused", rule: "permission" });
  });
});

describe(`unknown states — "${REFERENCE.threeStates}" / "${REFERENCE.threePossible}"`, () => {
  it("refuses a state outside the three, showing the raw value and where to change it", () => {
    const item = only(plan(request("disable", [view("a", { state: "unknownFutureValue" })])));
    expect(item.kind).toBe("refused");
    if (item.kind !== "refused") return;
    expect(item.rule).toBe("unknown-state");
    expect(item.reason).toContain('state "unknownFutureValue"');
    expect(item.reason).toContain("is not understood by the bot; change it in the Entra portal");
  });
});

describe(`enable — "${REFERENCE.enrollEnabled}"`, () => {
  it(`moves a Disabled user to Enabled ("${REFERENCE.allStartDisabled}")`, () => {
    const item = only(plan(request("enable", [view("a")])));
    expect(item).toEqual({
      kind: "change",
      userId: "a",
      upn: "a@contoso.com",
      op: "setState",
      from: "disabled",
      to: "enabled",
      flags: [],
    });
  });

  it(`leaves an Enabled user alone: "${REFERENCE.autoEnforced}"`, () => {
    const item = only(plan(request("enable", [view("a", { state: "enabled" })])));
    expect(item).toMatchObject({
      kind: "noop",
      state: "enabled",
      reason: "already enabled — waiting for registration",
    });
  });

  it(`says why an Enabled user with old details is stuck: "${REFERENCE.stuckEnabled}"`, () => {
    const item = only(plan(request("enable", [view("a", { state: "enabled", reg: "methodsOnly" })])));
    expect(item.kind).toBe("noop");
    if (item.kind === "noop") expect(item.reason).toMatch(/re-register/);
  });

  it("leaves an Enforced user alone", () => {
    const item = only(plan(request("enable", [view("a", { state: "enforced", reg: "registered" })])));
    expect(item).toMatchObject({ kind: "noop", state: "enforced", reason: "already enforced" });
  });
});

describe(`re-enabling with registration details — "${REFERENCE.reenable}"`, () => {
  it("flags a user with a phone on record (no completed registration) and one fully registered", () => {
    const p = plan(
      request("enable", [view("a", { reg: "methodsOnly" }), view("b", { reg: "registered" }), view("c")]),
    );
    expect(p.items.map((i) => (i.kind === "change" ? i.flags : null))).toEqual([
      ["reregistration-needed"],
      ["reregistration-needed"],
      [],
    ]);
    expect(p.warnings).toContain(
      "2 users already have registration details and must re-register; until then their state stays Enabled",
    );
    expect(summarizePlan(p).reregistrationNeeded).toBe(2);
  });

  it("words the warning for a single user", () => {
    const p = plan(request("enable", [view("a", { reg: "registered" })]));
    expect(p.warnings).toContain(
      "1 user already has registration details and must re-register; until then their state stays Enabled",
    );
  });
});

describe(`enforce — "${REFERENCE.noDirectEnforce}"`, () => {
  for (const reg of ["none", "methodsOnly"] as const) {
    it(`refuses to enforce a user who hasn't completed registration (${reg}) and says why`, () => {
      const item = only(plan(request("enforce", [view("a", { state: "enabled", reg })])));
      expect(item.kind).toBe("refused");
      if (item.kind !== "refused") return;
      expect(item.rule).toBe("manual-enforce");
      expect(item.reason).toMatch(/non-browser apps would stop working/);
      expect(item.reason).toMatch(/app password/);
    });
  }

  it(`"${REFERENCE.noManualEnforce}" — even a Disabled user without registration`, () => {
    const item = only(plan(request("enforce", [view("a", { state: "disabled" })])));
    expect(item).toMatchObject({ kind: "refused", rule: "manual-enforce" });
  });

  it(`enforces a registered user, flagged and warned: "${REFERENCE.appPasswords}"`, () => {
    const p = plan(request("enforce", [view("a", { state: "enabled", reg: "registered" })]));
    expect(only(p)).toMatchObject({
      kind: "change",
      from: "enabled",
      to: "enforced",
      flags: ["legacy-apps-need-app-passwords"],
    });
    expect(p.warnings.some((w) => /app passwords/.test(w) && /1 user will be Enforced/.test(w))).toBe(true);
  });

  it("leaves an Enforced user alone", () => {
    const item = only(plan(request("enforce", [view("a", { state: "enforced" })])));
    expect(item).toMatchObject({ kind: "noop", reason: "already enforced" });
  });

  it("never needs approval by policy: the policy file has no enforce entry", () => {
    const p = plan(
      request("enforce", [view("a", { reg: "registered" })], { requireApproval: [...APPROVABLE_ACTIONS] }),
    );
    expect(p.requiresApproval).toBe(false);
  });
});

describe(`disable — "${REFERENCE.twoWays}"`, () => {
  it(`disables a user covered by Conditional Access without ceremony ("${REFERENCE.caNoStateChange}")`, () => {
    const p = plan(request("disable", [view("a", { state: "enforced", reg: "registered", covered: true })]));
    expect(only(p)).toMatchObject({ kind: "change", from: "enforced", to: "disabled", flags: [] });
    expect(p.requiresApproval).toBe(false);
  });

  it("needs an approver's sign-off when the user would have no MFA at all, whatever the policy says", () => {
    const p = plan(
      request("disable", [view("a", { state: "enabled" }), view("b", { state: "enforced", covered: true })]),
    );
    expect(p.items[0]).toMatchObject({ kind: "change", flags: ["leaves-no-mfa"] });
    expect(p.items[1]).toMatchObject({ kind: "change", flags: [] });
    expect(p.requiresApproval).toBe(true);
    expect(p.approvalReasons).toHaveLength(1);
    expect(p.approvalReasons[0]).toMatch(/^an approver must sign off/);
    expect(p.approvalReasons[0]).toContain("a@contoso.com");
    expect(p.approvalReasons[0]).not.toContain("b@contoso.com");
    expect(p.approvalReasons[0]).toContain("no MFA at all");
  });

  // Issue 9, problem 1: security defaults counted as Conditional Access coverage.
  it("needs an approver to acknowledge that security defaults only prompt when necessary", () => {
    const p = plan(
      request("disable", [view("a", { state: "enforced", reg: "registered", defaultsOnly: true })]),
    );
    expect(only(p)).toMatchObject({ kind: "change", to: "disabled", flags: ["security-defaults-only"] });
    expect(p.requiresApproval).toBe(true);
    expect(p.approvalReasons).toEqual([
      "an approver must acknowledge that a@contoso.com is covered only by security defaults: security defaults only prompt when necessary, not at every sign-in as per-user MFA does",
    ]);
    expect(p.warnings.join("\n")).toMatch(/security defaults only prompt when necessary/);
  });

  it("leaves a Disabled user alone, and a plan with nothing to change needs no approval", () => {
    const p = plan(request("disable", [view("a")], { requireApproval: ["disable"] }));
    expect(only(p)).toMatchObject({ kind: "noop", reason: "already disabled" });
    expect(p.requiresApproval).toBe(false);
    expect(p.approvalReasons).toEqual([]);
  });
});

describe(`reregister — "${REFERENCE.reenable}"`, () => {
  it("clears registered methods without touching the state", () => {
    const item = only(plan(request("reregister", [view("a", { state: "enabled", reg: "registered" })])));
    expect(item).toEqual({
      kind: "change",
      userId: "a",
      upn: "a@contoso.com",
      op: "reregister",
      from: "enabled",
      to: "enabled",
      flags: [],
    });
  });

  it("has nothing to do for a user with nothing registered", () => {
    const item = only(plan(request("reregister", [view("a", { state: "enabled" })])));
    expect(item).toMatchObject({ kind: "noop", reason: "nothing registered to clear" });
  });

  it("allows Disabled users: their methods outlive the state and would trap a later re-enable", () => {
    const item = only(plan(request("reregister", [view("a", { state: "disabled", reg: "methodsOnly" })])));
    expect(item).toMatchObject({ kind: "change", op: "reregister", from: "disabled", to: "disabled" });
  });
});

describe(`convert — "${REFERENCE.convert}" / "${REFERENCE.disableAll}"`, () => {
  it(`disables everyone with per-user MFA who is covered ("${REFERENCE.securityDefaults}")`, () => {
    const p = plan(
      request("convert", [
        view("a", { state: "enabled", covered: true }),
        view("b", { state: "enforced", reg: "registered", covered: true }),
        view("c", { state: "disabled", covered: true }),
      ]),
    );
    expect(p.items.map((i) => [i.kind, i.kind === "change" ? i.to : null])).toEqual([
      ["change", "disabled"],
      ["change", "disabled"],
      ["noop", null],
    ]);
  });

  it(`refuses users no policy covers, and counts them: "${REFERENCE.caRecommended}"`, () => {
    const p = plan(
      request("convert", [
        view("a", { state: "enabled" }),
        view("b", { state: "enforced" }),
        view("c", { state: "enabled", covered: true }),
      ]),
    );
    expect(p.items.map((i) => (i.kind === "refused" ? i.rule : i.kind))).toEqual([
      "convert-uncovered",
      "convert-uncovered",
      "change",
    ]);
    const item = p.items[0]!;
    if (item.kind === "refused")
      expect(item.reason).toMatch(/without MFA; fix the Conditional Access policy first/);
    expect(p.warnings.some((w) => w.startsWith("2 users still have per-user MFA"))).toBe(true);
  });

  it("converts users covered by security defaults only, with an approver's acknowledgement", () => {
    const p = plan(request("convert", [view("a", { state: "enabled", defaultsOnly: true })]));
    expect(only(p)).toMatchObject({ kind: "change", to: "disabled", flags: ["security-defaults-only"] });
    expect(p.requiresApproval).toBe(true);
    expect(p.approvalReasons[0]).toMatch(/security defaults only prompt when necessary/);
  });

  it("says why a user is not covered when the directory could tell", () => {
    const item = only(
      plan(
        request("convert", [
          view("a", {
            state: "enforced",
            coverageNote: "excluded from a Conditional Access policy by a directory role",
          }),
        ]),
      ),
    );
    expect(item).toMatchObject({ kind: "refused", rule: "convert-uncovered" });
    if (item.kind === "refused")
      expect(item.reason).toMatch(/\(excluded from a Conditional Access policy by a directory role\)/);
  });

  it("requires approval when the policy lists convert", () => {
    const p = plan(
      request("convert", [view("a", { state: "enabled", covered: true })], { requireApproval: ["convert"] }),
    );
    expect(p.requiresApproval).toBe(true);
    expect(p.approvalReasons).toEqual(["the policy requires approval for convert"]);
  });
});

describe("undo — restores the states an operation recorded", () => {
  it("restores each user to the recorded state", () => {
    const p = plan(
      request("undo", [view("a", { state: "enabled" }), view("b", { state: "disabled" })], {
        restoreTo: { a: "disabled", b: "enabled" },
      }),
    );
    expect(p.items.map((i) => (i.kind === "change" ? `${i.from}->${i.to}` : i.kind))).toEqual([
      "enabled->disabled",
      "disabled->enabled",
    ]);
  });

  it(`never restores an unregistered user to Enforced: "${REFERENCE.noDirectEnforce}"`, () => {
    const item = only(
      plan(request("undo", [view("a", { state: "enabled" })], { restoreTo: { a: "enforced" } })),
    );
    expect(item).toMatchObject({ kind: "refused", rule: "manual-enforce" });
  });

  it("refuses a user the operation recorded nothing for, and never reads inherited keys", () => {
    const p = plan(
      request("undo", [view("a", { state: "enabled" }), view("constructor", { state: "enabled" })], {
        restoreTo: { b: "disabled" },
      }),
    );
    expect(p.items.map((i) => (i.kind === "refused" ? i.rule : i.kind))).toEqual([
      "undo-no-record",
      "undo-no-record",
    ]);
  });

  it("has nothing to do when the user is already in the recorded state", () => {
    const item = only(
      plan(request("undo", [view("a", { state: "enabled" })], { restoreTo: { a: "enabled" } })),
    );
    expect(item).toMatchObject({ kind: "noop" });
  });
});

describe(`bulk — "${REFERENCE.bulk}"`, () => {
  it("is governed by the policy's bulk entry, not its enable entry alone", () => {
    const targets = [view("a"), view("b")];
    expect(
      plan(request("enable", targets, { bulk: true, requireApproval: ["bulk"] })).approvalReasons,
    ).toEqual(["the policy requires approval for bulk enable"]);
    expect(
      plan(request("enable", targets, { bulk: false, requireApproval: ["bulk"] })).requiresApproval,
    ).toBe(false);
  });

  it("does not sidestep an action's own entry by going through bulk", () => {
    const p = plan(request("enable", [view("a")], { bulk: true, requireApproval: ["enable"] }));
    expect(p.approvalReasons).toEqual(["the policy requires approval for enable"]);
  });

  it("records bulk in the plan", () => {
    expect(plan(request("enable", [view("a")], { bulk: true })).bulk).toBe(true);
  });
});

describe("approval by policy", () => {
  const cases: [ChangeAction, ApprovableAction, TargetView, Record<string, KnownMfaState>?][] = [
    ["enable", "enable", view("a")],
    ["disable", "disable", view("a", { state: "enabled", covered: true })],
    ["reregister", "reregister", view("a", { reg: "registered" })],
    ["convert", "convert", view("a", { state: "enabled", covered: true })],
    ["undo", "undo", view("a", { state: "enabled", covered: true }), { a: "disabled" }],
  ];
  for (const [action, entry, target, restoreTo] of cases) {
    it(`${action} needs approval exactly when the policy lists "${entry}"`, () => {
      const withEntry = plan(
        request(action, [target], { requireApproval: [entry], ...(restoreTo ? { restoreTo } : {}) }),
      );
      const others = APPROVABLE_ACTIONS.filter((a) => a !== entry && a !== "bulk");
      const without = plan(
        request(action, [target], { requireApproval: others, ...(restoreTo ? { restoreTo } : {}) }),
      );
      expect(withEntry.requiresApproval).toBe(true);
      expect(withEntry.approvalReasons).toEqual([`the policy requires approval for ${entry}`]);
      expect(without.requiresApproval).toBe(false);
    });
  }
});

describe(`Conditional Access already covers the user — "${REFERENCE.dontCombine}"`, () => {
  it("warns when enabling users who are covered, naming them", () => {
    const p = plan(request("enable", [view("a", { covered: true }), view("b")]));
    const warning = p.warnings.find((w) => w.startsWith("Conditional Access is the recommended way"));
    expect(warning).toBe(
      "Conditional Access is the recommended way; don't combine per-user MFA with it: a@contoso.com is already covered by Conditional Access or security defaults",
    );
  });

  it("warns when enforcing a covered user", () => {
    const p = plan(request("enforce", [view("a", { reg: "registered", covered: true })]));
    expect(p.warnings.some((w) => w.startsWith("Conditional Access is the recommended way"))).toBe(true);
  });

  it("stays quiet when nobody enabled is covered", () => {
    const p = plan(request("enable", [view("a"), view("b", { state: "enabled", covered: true })]));
    expect(p.warnings.some((w) => w.includes("Conditional Access"))).toBe(false);
  });
});

describe("plan shape", () => {
  it("keeps the order the targets were given in", () => {
    const p = plan(
      request("enable", [
        view("z"),
        missing("<@U1>"),
        view("a", { protected: true }),
        view("m", { state: "enabled" }),
      ]),
    );
    expect(p.items.map((i) => (i.kind === "notFound" ? i.ref : i.userId))).toEqual(["z", "<@U1>", "a", "m"]);
  });

  it("is deterministic: the same request gives the same plan", () => {
    const req = request("disable", [
      view("a", { state: "enabled" }),
      view("b", { state: "enforced", covered: true }),
    ]);
    expect(plan(req)).toEqual(plan(req));
  });

  it("summarizes a preview", () => {
    const p = plan(
      request("enable", [
        view("a"),
        view("b", { reg: "registered" }),
        view("c", { state: "enabled" }),
        view("d", { protected: true }),
        missing("<@U404>"),
        missing("x@contoso.com"),
      ]),
    );
    expect(summarizePlan(p)).toEqual({
      change: 2,
      noop: 1,
      refused: 1,
      notFound: 2,
      reregistrationNeeded: 1,
    });
  });

  it("handles an empty target list", () => {
    const p = plan(request("enable", [], { requireApproval: ["enable"] }));
    expect(p.items).toEqual([]);
    expect(p.requiresApproval).toBe(false);
    expect(p.hash).toMatch(/^[0-9a-f]{16}$/);
  });
});

// ---------------------------------------------------------------------------------------
// Properties

const stateArb = fc.oneof(
  fc.constantFrom("disabled", "enabled", "enforced", "unknownFutureValue"),
  fc.string({ maxLength: 12 }),
);
const idArb = fc.constantFrom("u1", "u2", "u3", "u4", "u5", "constructor", "__proto__");
const targetArb: fc.Arbitrary<TargetView> = fc.record({
  ref: fc.string({ maxLength: 20 }),
  user: fc.option(
    fc.record({ id: idArb, upn: fc.string({ maxLength: 20 }), displayName: fc.string({ maxLength: 10 }) }),
    { freq: 5 },
  ),
  perUserMfaState: stateArb,
  registration: fc.record({
    isMfaRegistered: fc.boolean(),
    methods: fc.array(fc.constantFrom("mobilePhone", "email", "microsoftAuthenticatorPush"), {
      maxLength: 3,
    }),
  }),
  isProtected: fc.boolean(),
  coveredByConditionalAccess: fc.boolean(),
});
const knownStateArb = fc.constantFrom<KnownMfaState>("disabled", "enabled", "enforced");
const requestArb = (roles: fc.Arbitrary<Role[]>): fc.Arbitrary<PlanRequest> =>
  fc.record({
    action: fc.constantFrom<ChangeAction>("enable", "disable", "enforce", "reregister", "convert", "undo"),
    bulk: fc.boolean(),
    actor: fc.record({ upn: fc.constant("actor@contoso.com"), roles }),
    targets: fc.array(targetArb, { maxLength: 12 }),
    policy: fc.record({ requireApproval: fc.subarray([...APPROVABLE_ACTIONS]) }),
    restoreTo: fc.dictionary(idArb, knownStateArb),
  });
const anyRoles = fc.subarray([...ROLES]);

describe("properties", () => {
  it("plan never throws and gives one item per target, notFound exactly for unknown users", () => {
    fc.assert(
      fc.property(requestArb(anyRoles), (req) => {
        const p = plan(req);
        expect(p.items).toHaveLength(req.targets.length);
        const permitted = req.actor.roles.includes("admin");
        req.targets.forEach((t, i) => {
          const item = p.items[i]!;
          if (permitted) expect(item.kind === "notFound").toBe(t.user === null);
          if (item.kind !== "notFound" && item.kind !== "refused") expect(item.userId).toBe(t.user?.id);
        });
        if (summarizePlan(p).change === 0) expect(p.requiresApproval).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("a protected user is never changed", () => {
    fc.assert(
      fc.property(requestArb(anyRoles), (req) => {
        const p = plan(req);
        req.targets.forEach((t, i) => {
          if (t.isProtected) expect(p.items[i]!.kind === "change").toBe(false);
        });
      }),
    );
  });

  it("the hash does not depend on the order of the targets", () => {
    const arb = requestArb(anyRoles).chain((req) =>
      fc.tuple(
        fc.constant(req),
        fc.shuffledSubarray([...req.targets], {
          minLength: req.targets.length,
          maxLength: req.targets.length,
        }),
      ),
    );
    fc.assert(
      fc.property(arb, ([req, shuffled]) => {
        expect(plan({ ...req, targets: shuffled }).hash).toBe(plan(req).hash);
      }),
      { numRuns: 300 },
    );
  });

  it("the hash changes when the state of a target that would be changed or left alone changes", () => {
    const arb = fc.tuple(requestArb(fc.constant<Role[]>(["admin"])), fc.nat(), stateArb);
    fc.assert(
      fc.property(arb, ([req, pick, newState]) => {
        fc.pre(req.targets.length > 0);
        const index = pick % req.targets.length;
        const before = plan(req);
        const item = before.items[index]!;
        fc.pre(item.kind === "change" || item.kind === "noop");
        fc.pre(newState !== req.targets[index]!.perUserMfaState);
        const targets = req.targets.map((t, i) => (i === index ? { ...t, perUserMfaState: newState } : t));
        expect(plan({ ...req, targets }).hash).not.toBe(before.hash);
      }),
      { numRuns: 300 },
    );
  });
});

describe("approval reasons name the request as it is", () => {
  it("a bulk convert is not called a bulk enable", () => {
    const p = plan(
      request("convert", [view("a", { state: "enabled", covered: true })], {
        bulk: true,
        requireApproval: ["bulk"],
      }),
    );
    expect(p.approvalReasons).toEqual(["the policy requires approval for bulk changes"]);
  });

  it("a bulk enable still says bulk enable", () => {
    const p = plan(request("enable", [view("a")], { bulk: true, requireApproval: ["bulk"] }));
    expect(p.approvalReasons).toEqual(["the policy requires approval for bulk enable"]);
  });
});
