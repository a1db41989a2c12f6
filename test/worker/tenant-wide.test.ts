import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { csvField } from "../../src/report/csv.js";
import { SANDBOX_SAMPLE_USERS } from "../../src/sandbox/default-seed.js";
import { ADMIN, HELPDESK, MANAGER, WorkerHarness } from "../helpers/worker-harness.js";

describe("csvField", () => {
  it("quotes separators and defuses formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("+1,2")).toBe(`"'+1,2"`);
  });
});

describe("report and convert (tenant-wide)", () => {
  let h: WorkerHarness;
  beforeEach(async () => {
    h = await WorkerHarness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  it("report counts every user by state, lists Enabled-but-unregistered, and exports CSV", async () => {
    const users = h.sandbox.tenant.allUsers();
    const expected: Record<string, number> = { disabled: 0, enabled: 0, enforced: 0 };
    for (const u of users) expected[u.perUserMfaState] = (expected[u.perUserMfaState] ?? 0) + 1;
    const answer = await h.answerTo(await h.send(HELPDESK, "report"));
    if (answer.outcome.kind !== "report") throw new Error(`expected a report, got ${answer.outcome.kind}`);
    const report = answer.outcome;
    expect(report.total).toBe(users.length);
    expect(report.counts).toEqual(expected);
    expect(report.enabledUnregistered.length).toBeGreaterThan(0);
    for (const upn of report.enabledUnregistered) {
      expect(h.sandbox.tenant.user(upn)?.perUserMfaState).toBe("enabled");
    }
    expect(report.csv?.lines).toBe(users.length + 1);
    expect(answer.files).toHaveLength(2);
    const csvPath = answer.files.find((path) => path.endsWith(".csv"));
    if (!csvPath) throw new Error("no CSV was saved");
    const lines = (await readFile(csvPath, "utf8"))
      .replace(/^\uFEFF/, "")
      .split("\r\n")
      .filter(Boolean);
    expect(lines[0]).toBe(
      "userPrincipalName,displayName,perUserMfaState,isMfaRegistered,methodsRegistered,defaultMethod,isAdmin,lastChangeBy,lastChangeAt",
    );
    expect(lines).toHaveLength(users.length + 1);
    // The registration report's own words for each user, and who is an admin.
    const admin = h.sandbox.tenant.allUsers().find((u) => u.isAdmin && u.accountEnabled !== false);
    if (!admin) throw new Error("the default sandbox tenant has an admin");
    const adminLine = lines.find((l) => l.startsWith(`${admin.userPrincipalName},`));
    expect(adminLine?.split(",")[6]).toBe("true");
  });

  it("convert plan says who still has per-user MFA and that a report-only policy covers nobody", async () => {
    h.sandbox.tenant.setConditionalAccessPolicies(
      h.sandbox.tenant.conditionalAccessPolicies.filter((p) => p.state !== "enabled"),
    );
    const perUser = h.sandbox.tenant.allUsers().filter((u) => u.perUserMfaState !== "disabled");
    const answer = await h.answerTo(await h.send(ADMIN, "convert plan"));
    expect(answer.outcome).toMatchObject({
      kind: "convertPlan",
      perUserCount: perUser.length,
      covered: false,
    });
    if (answer.outcome.kind !== "convertPlan") return;
    expect(answer.outcome.uncovered).toHaveLength(perUser.length);
    expect(h.sandbox.stats.count("PATCH /beta/users/{id}/authentication/requirements")).toBe(0);
  });

  // Issue 9, problem 1 ("Done when"): over the default tenant, the users the enforcing policy
  // leaves out are named apart, by why; convert execute refuses them.
  it("convert plan over the default tenant names the user excluded by role and the guest apart", async () => {
    const answer = await h.answerTo(await h.send(ADMIN, "convert plan"));
    if (answer.outcome.kind !== "convertPlan") throw new Error(`got ${answer.outcome.kind}`);
    expect(answer.outcome).toMatchObject({
      covered: false,
      coveredBy: ["Require MFA for members"],
      excludedByRole: [SANDBOX_SAMPLE_USERS.excludedByRole.userPrincipalName],
      guests: [SANDBOX_SAMPLE_USERS.guest.userPrincipalName.toLowerCase()],
      securityDefaultsOnly: [],
      uncovered: [],
    });

    const card = await h.answerTo(await h.send(ADMIN, "convert execute"));
    if (card.outcome.kind !== "approval") throw new Error(`expected an approval, got ${card.outcome.kind}`);
    const refused = card.outcome.approval.refused.users.map((u) => u.ref);
    expect(refused).toEqual(
      expect.arrayContaining([
        SANDBOX_SAMPLE_USERS.excludedByRole.userPrincipalName,
        SANDBOX_SAMPLE_USERS.guest.userPrincipalName.toLowerCase(),
      ]),
    );
    const reasons = card.outcome.approval.refused.users.map((u) => u.reason).join("\n");
    expect(reasons).toMatch(/excluded from a Conditional Access policy by a directory role/);
    expect(reasons).toMatch(/guest or external user/);
  });

  it("convert plan under security defaults names everyone as covered by security defaults only", async () => {
    h.sandbox.tenant.setConditionalAccessPolicies(
      h.sandbox.tenant.conditionalAccessPolicies.map((p) => ({ ...p, state: "disabled" })),
    );
    h.sandbox.tenant.setSecurityDefaults(true);
    const perUser = h.sandbox.tenant.allUsers().filter((u) => u.perUserMfaState !== "disabled");
    const answer = await h.answerTo(await h.send(ADMIN, "convert plan"));
    if (answer.outcome.kind !== "convertPlan") throw new Error(`got ${answer.outcome.kind}`);
    expect(answer.outcome.covered).toBe(false);
    expect(answer.outcome.securityDefaultsOnly).toHaveLength(perUser.length);
    expect(answer.outcome.notes.join("\n")).toMatch(/only prompt for MFA when necessary/);
  });

  it("convert execute, once security defaults require MFA, disables per-user MFA for everyone after approval", async () => {
    // A tenant on security defaults has no enforcing policies (Entra requires them off).
    h.sandbox.tenant.setConditionalAccessPolicies(
      h.sandbox.tenant.conditionalAccessPolicies.map((p) => ({ ...p, state: "disabled" })),
    );
    h.sandbox.tenant.setSecurityDefaults(true);
    const card = await h.answerTo(await h.send(ADMIN, `convert execute --reason "moving to CA"`));
    if (card.outcome.kind !== "approval") throw new Error(`expected an approval, got ${card.outcome.kind}`);
    expect(card.outcome.approval.action).toBe("convert");
    // Security defaults are not a policy: the approver acknowledges what they do and do not do.
    expect(card.outcome.approval.approvalReasons.join("\n")).toMatch(
      /covered only by security defaults: security defaults only prompt when necessary/,
    );
    await h.answerTo(await h.send(MANAGER, `approve ${card.outcome.approval.id}`));
    await h.waitFor((m) => m.outcome.kind === "summary");
    const left = h.sandbox.tenant
      .allUsers()
      .filter((u) => u.perUserMfaState !== "disabled")
      .map((u) => u.userPrincipalName);
    // Only the protected break-glass account may keep its state; nobody else.
    expect(left.every((upn) => h.policy.protected.includes(upn.toLowerCase()))).toBe(true);
  });

  it("a helpdesk member may not convert", async () => {
    const answer = await h.answerTo(await h.send(HELPDESK, "convert execute"));
    expect(answer.outcome).toMatchObject({ kind: "text", tone: "error" });
  });
});
