import { describe, expect, it } from "vitest";
import type { SlackMessage } from "../../../adapters/slack/render/blocks.js";
import { renderOutcome } from "../../../adapters/slack/render/outcome.js";
import { renderHelp, renderUsageError } from "../../../adapters/slack/render/usage.js";
import { HELP_TEXT } from "../../../src/core/grammar.js";
import type { ApprovalView, Outcome } from "../../../src/notify/outcome.js";
import { decided, OUTCOMES } from "../../notify/outcome-fixtures.js";

const EVIL = "<!channel> <@U0BOSS> <#C0SECRET> <https://evil.example|login> & @here";

/** Every mrkdwn/plain string in a message, with our own date tokens and the links we make taken out. */
function texts(message: SlackMessage): string[] {
  const out: string[] = [message.text];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const obj = node as Record<string, unknown>;
      if ((obj.type === "mrkdwn" || obj.type === "plain_text") && typeof obj.text === "string")
        out.push(obj.text);
      for (const value of Object.values(obj)) walk(value);
    }
  };
  walk(message.blocks);
  return out;
}

function withoutOurMarkup(text: string): string {
  return text
    .replace(/<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^<>]*>/g, "")
    .replace(/<https:\/\/aka\.ms\/mfasetup\|[^<>]*>/g, "");
}

/** Block Kit's hard limits, and nothing anyone typed acting as markup. */
function expectSafe(message: SlackMessage): void {
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(3000);
  expect(message.blocks.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of message.blocks) {
    if (block.type === "section") {
      expect(block.text || block.fields).toBeTruthy();
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      if (block.text) expect(block.text.text.length).toBeGreaterThan(0);
      if (block.fields) {
        expect(block.fields.length).toBeGreaterThan(0);
        expect(block.fields.length).toBeLessThanOrEqual(10);
        for (const f of block.fields) expect(f.text.length).toBeLessThanOrEqual(2000);
      }
    }
    if (block.type === "header") expect(block.text.text.length).toBeLessThanOrEqual(150);
    if (block.type === "context") expect(block.elements.length).toBeLessThanOrEqual(10);
  }
  for (const text of texts(message)) {
    const rest = withoutOurMarkup(text);
    expect(rest).not.toMatch(/[<>]/);
    expect(rest).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect(rest).not.toMatch(/(^|[^\u2060])@(channel|here|everyone)\b/);
  }
}

function approval(overrides: Partial<ApprovalView> = {}): ApprovalView {
  return {
    id: "k3m9p2xq",
    action: "enable",
    bulk: true,
    requester: "admin@contoso.com",
    reason: `rollout ${EVIL}`,
    createdAt: "2025-05-01T09:00:00.000Z",
    expiresAt: "2025-05-02T09:00:00.000Z",
    status: "pending",
    operationStatus: "pending",
    counts: { change: 3, noop: 1, refused: 1, notFound: 1, reregistrationNeeded: 1 },
    changes: {
      users: [
        { upn: "alice@contoso.com", displayName: `Alice ${EVIL}` },
        { upn: "bob@contoso.com", displayName: "Bob" },
      ],
      more: 1,
    },
    unchanged: { users: [{ upn: "carol@contoso.com", reason: "already enabled" }], more: 0 },
    refused: { users: [{ ref: "breakglass@contoso.com", reason: "protected account" }], more: 0 },
    notFound: { refs: [`ghost ${EVIL}`], more: 0 },
    approvalReasons: ["policy: bulk needs approval"],
    warnings: ["bob@contoso.com must re-register"],
    ...overrides,
  };
}

const SAMPLES: Record<Outcome["kind"], Outcome> = {
  drift: { ...OUTCOMES.drift, changedBy: `admin ${EVIL}` },
  paused: {
    ...OUTCOMES.paused,
    failures: { users: [{ upn: "bob@contoso.com", reason: `Graph said ${EVIL}` }], more: 0 },
  },
  text: {
    kind: "text",
    tone: "error",
    title: "Refused",
    text: `cannot do that ${EVIL}`,
    operationId: "k3m9p2xq",
  },
  status: {
    kind: "status",
    user: {
      id: "00000000-0000-0000-0000-000000000001",
      upn: "alice@contoso.com",
      displayName: `Alice ${EVIL}`,
    },
    state: "enabled",
    registration: {
      isMfaRegistered: true,
      methods: ["microsoftAuthenticator", `phone ${EVIL}`],
      defaultMethod: "microsoftAuthenticator",
    },
    reregistrationNeeded: true,
    isProtected: true,
    coverage: { covered: false, by: [], notes: [`note ${EVIL}`] },
    pendingApprovals: ["k3m9p2xq"],
    lastChange: { ...OUTCOMES.status.lastChange!, operationId: "abcd2345", at: "2025-05-01T09:00:00.000Z" },
  },
  change: {
    kind: "change",
    operationId: "k3m9p2xq",
    action: "enable",
    results: [
      // Read back as Enforced though Enabled was asked for (the shared fixture's first line).
      OUTCOMES.change.results[0]!,
      {
        upn: "bob@contoso.com",
        from: "disabled",
        requested: "enabled",
        ok: true,
        flags: ["reregistration-needed"],
      },
      {
        upn: "carol@contoso.com",
        from: "disabled",
        requested: "enabled",
        ok: false,
        error: `Graph said ${EVIL}`,
        flags: [],
      },
    ],
    unchanged: [{ upn: "dan@contoso.com", reason: "already enabled" }],
    refused: [{ ref: EVIL, reason: "not a user" }],
    notFound: ["ghost@contoso.com"],
    warnings: [EVIL],
  },
  approval: { kind: "approval", approval: approval() },
  progress: { ...OUTCOMES.progress, operationId: "k3m9p2xq", total: 120 },
  summary: {
    ...OUTCOMES.summary,
    operationId: "k3m9p2xq",
    changed: [{ upn: "alice@contoso.com", displayName: EVIL, now: "enabled" }],
    unchanged: [],
    failed: [{ upn: "bob@contoso.com", reason: EVIL }],
    notFound: [],
  },
  report: {
    ...OUTCOMES.report,
    enabledUnregistered: [`alice${EVIL}@contoso.com`],
    csv: { filename: `mfa-report${EVIL}.csv`, lines: 19 },
  },
  audit: {
    kind: "audit",
    subject: "alice@contoso.com",
    entries: [
      {
        at: "2025-05-01T09:00:00.000Z",
        operationId: "k3m9p2xq",
        actor: "admin@contoso.com",
        action: "enable",
        target: "alice@contoso.com",
        before: "disabled",
        after: "enabled",
        result: `ok ${EVIL}`,
      },
    ],
  },
  convertPlan: {
    kind: "convertPlan",
    perUserCount: 12,
    covered: true,
    coveredBy: [`Require MFA ${EVIL}`],
    notes: [],
    uncovered: ["alice@contoso.com"],
    excludedByRole: [`admin${EVIL}@contoso.com`],
    guests: ["kim_fabrikam.com#ext#@contoso.com"],
    securityDefaultsOnly: ["bob@contoso.com"],
  },
  registerReminder: {
    kind: "registerReminder",
    upn: "alice@contoso.com",
    setupUrl: "https://aka.ms/mfasetup",
    attempt: 2,
    requestedBy: EVIL,
  },
};

describe("renderOutcome", () => {
  for (const [kind, outcome] of Object.entries(SAMPLES)) {
    it(`renders ${kind} within Block Kit's limits, with everything typed escaped`, () => {
      const message = renderOutcome(outcome);
      expectSafe(message);
      const all = texts(message).join("\n");
      if (JSON.stringify(outcome).includes("<!channel>")) expect(all).toContain("&lt;!channel&gt;");
    });
  }

  it("shows states with an icon and plain words, and unknown values as they are", () => {
    const status = SAMPLES.status as Extract<Outcome, { kind: "status" }>;
    const words = (state: string) => texts(renderOutcome({ ...status, state })).join("\n");
    expect(words("disabled")).toContain("⚪ Disabled");
    expect(words("enabled")).toContain("🟡 Enabled — waiting for registration");
    expect(words("enforced")).toContain("🟢 Enforced");
    expect(words("unknownFutureValue")).toContain("❔ unknownFutureValue");
    expect(words("<!here>")).toContain("❔ &lt;!here&gt;");
  });

  it("shows status warnings, methods and the operation of the last change", () => {
    const all = texts(renderOutcome(SAMPLES.status)).join("\n");
    expect(all).toContain("Re-registration needed");
    expect(all).toContain("Protected account");
    expect(all).toContain("microsoftAuthenticator");
    expect(all).toContain("`abcd2345`");
  });

  it("reports what Graph says after a change, flags, failures and the operation id", () => {
    const all = texts(renderOutcome(SAMPLES.change)).join("\n");
    expect(all).toContain("Microsoft Entra reports 🟢 Enforced");
    expect(all).toContain("must register their MFA methods again");
    expect(all).toContain("❌ failed");
    expect(all).toContain("`k3m9p2xq`");
  });

  it("gives a pending approval card Approve (primary, confirmed) and Reject (danger) carrying only the id", () => {
    const message = renderOutcome(SAMPLES.approval);
    const actions = message.blocks.find((b) => b.type === "actions");
    expect(actions).toBeDefined();
    const [approve, reject] = actions!.type === "actions" ? actions!.elements : [];
    expect(approve).toMatchObject({
      type: "button",
      action_id: "mfa_approve",
      style: "primary",
      value: "k3m9p2xq",
    });
    expect(approve).toHaveProperty("confirm.confirm.text", "Approve");
    expect(reject).toMatchObject({
      type: "button",
      action_id: "mfa_reject",
      style: "danger",
      value: "k3m9p2xq",
    });
    const all = texts(message).join("\n");
    expect(all).toContain("admin@contoso.com");
    expect(all).toContain("rollout &lt;!channel&gt;");
    expect(all).toContain("Alice &lt;!channel&gt;");
    expect(all).toContain("… and 1 more");
    expect(all).toMatch(/expires <!date\^\d+\^/);
  });

  it("replaces the buttons with who decided, when and the outcome once decided", () => {
    const message = renderOutcome(decided(approval(), "2025-05-01T10:00:00.000Z", "3 users enabled"));
    expectSafe(message);
    expect(message.blocks.some((b) => b.type === "actions")).toBe(false);
    const all = texts(message).join("\n");
    expect(all).toContain("✅ Approved by manager@contoso.com");
    expect(all).toMatch(/<!date\^1746093600\^/);
    expect(all).toContain("3 users enabled");
  });

  it("keeps a 5000-user approval and a 5000-row report inside Block Kit's limits", () => {
    const users = Array.from({ length: 5000 }, (_, i) => ({
      upn: `user${i}@contoso.com`,
      displayName: `User ${i} & co`,
    }));
    const big = renderOutcome({
      kind: "approval",
      approval: approval({ changes: { users, more: 0 }, counts: { ...approval().counts, change: 5000 } }),
    });
    expectSafe(big);
    expect(texts(big).join("\n")).toMatch(/… and \d+ more/);
    const report = renderOutcome({
      kind: "report",
      counts: { enabled: 5000 },
      total: 5000,
      registration: { registered: 0, notRegistered: 5000, unknown: 0 },
      enabledUnregistered: users.map((u) => u.upn),
      enabledUnregisteredTotal: 5000,
      csv: { filename: "mfa-report.csv", lines: 5001 },
    });
    expectSafe(report);
    expect(texts(report).join("\n")).toMatch(/… and \d+ more/);
  });

  it("caps a single huge piece of text without breaking an entity", () => {
    const message = renderOutcome({ kind: "text", tone: "info", text: "<&>".repeat(5000) });
    expectSafe(message);
    for (const text of texts(message)) expect(text).not.toMatch(/&[a-z]{0,3}…$/);
  });
});

describe("usage and help answers", () => {
  it("escapes the usage line and the error", () => {
    const message = renderUsageError(`bad ${EVIL}`, 'status <user> [--reason "…"]', "/mfa");
    expectSafe(message);
    expect(message.text).toContain("`/mfa status &lt;user&gt;");
  });

  it("shows the help in a code block", () => {
    const message = renderHelp(HELP_TEXT, "/mfa");
    expectSafe(message);
    expect(texts(message).join("\n")).toContain("```Commands:");
  });
});
