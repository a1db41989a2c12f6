import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_GROUPS, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/default-seed.js";
import { ADMIN, BREAKGLASS, HELPDESK, MANAGER, WorkerHarness } from "../helpers/worker-harness.js";

const U = SANDBOX_SAMPLE_USERS;

describe("console → queue → worker → Graph (sandbox) → console", () => {
  let h: WorkerHarness;
  beforeEach(async () => {
    h = await WorkerHarness.start();
  });
  afterEach(async () => {
    await h.close();
  });

  it("answers status with the state Graph holds", async () => {
    const id = await h.send(HELPDESK, `status ${U.enabledUnregistered.userPrincipalName}`);
    const answer = await h.answerTo(id);
    expect(answer.type).toBe("reply");
    expect(answer.outcome).toMatchObject({
      kind: "status",
      state: "enabled",
      user: { upn: U.enabledUnregistered.userPrincipalName },
      registration: { isMfaRegistered: false },
    });
  });

  it("enables a user, reads the state back, tells them to register, and audits it", async () => {
    const upn = U.disabledUnregistered.userPrincipalName;
    const id = await h.send(ADMIN, `enable ${upn} --reason "new starter"`);
    const answer = await h.answerTo(id);
    expect(answer.outcome).toMatchObject({
      kind: "change",
      action: "enable",
      results: [{ upn, from: "disabled", requested: "enabled", now: "enabled", ok: true }],
    });
    expect(h.sandbox.tenant.user(upn)?.perUserMfaState).toBe("enabled");
    const graphCallsAtAnswer = h.sandbox.stats.snapshot().graphOperations;
    const dm = await h.waitFor((m) => m.type === "dm" && m.to === upn);
    // The first reminder trusts the state the apply just read back: no Graph budget spent on it.
    expect(h.sandbox.stats.snapshot().graphOperations).toBe(graphCallsAtAnswer);
    expect(dm.outcome).toMatchObject({ kind: "registerReminder", setupUrl: "https://aka.ms/mfasetup" });

    const auditId = await h.send(HELPDESK, `audit ${upn}`);
    const audit = await h.answerTo(auditId);
    expect(audit.outcome.kind).toBe("audit");
    if (audit.outcome.kind !== "audit") return;
    expect(audit.outcome.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: "enable",
          target: upn,
          before: "disabled",
          after: "enabled",
          result: "ok",
          actor: ADMIN,
        }),
      ]),
    );
  });

  it("reports what Graph says after enabling a user with registration details: still Enabled, re-registration needed", async () => {
    const upn = U.disabledRegistered.userPrincipalName;
    const answer = await h.answerTo(await h.send(ADMIN, `enable ${upn}`));
    expect(answer.outcome).toMatchObject({
      kind: "change",
      results: [{ upn, requested: "enabled", now: "enabled", ok: true, flags: ["reregistration-needed"] }],
    });
  });

  it("reports what Graph says when enabled comes back as enforced", async () => {
    // Users have been reported flipping to Enforced on their own (azure-docs #31710): the bot
    // reports the state it reads back, not the one it asked for.
    const upn = U.disabledUnregistered.userPrincipalName;
    const original = h.sandbox.tenant.setMfaState.bind(h.sandbox.tenant);
    h.sandbox.tenant.setMfaState = (ref, state) => original(ref, state === "enabled" ? "enforced" : state);
    try {
      const answer = await h.answerTo(await h.send(ADMIN, `enable ${upn}`));
      expect(answer.outcome).toMatchObject({
        kind: "change",
        results: [{ upn, requested: "enabled", now: "enforced", ok: true }],
      });
    } finally {
      h.sandbox.tenant.setMfaState = original;
    }
  });

  it("refuses a manual enforce for an unregistered user and changes nothing", async () => {
    const upn = U.enabledUnregistered.userPrincipalName;
    const answer = await h.answerTo(await h.send(ADMIN, `enforce ${upn}`));
    expect(answer.outcome).toMatchObject({ kind: "change", results: [], refused: [{ ref: upn }] });
    expect(h.sandbox.tenant.user(upn)?.perUserMfaState).toBe("enabled");
  });

  it("refuses a change for someone without the admin role", async () => {
    const upn = U.disabledUnregistered.userPrincipalName;
    const answer = await h.answerTo(await h.send(HELPDESK, `enable ${upn}`));
    expect(answer.outcome).toMatchObject({ kind: "text", tone: "error" });
    expect(h.sandbox.tenant.user(upn)?.perUserMfaState).toBe("disabled");
  });

  it("never changes a protected account", async () => {
    const answer = await h.answerTo(await h.send(ADMIN, `enable ${BREAKGLASS}`));
    expect(answer.outcome).toMatchObject({ kind: "change", results: [], refused: [{ ref: BREAKGLASS }] });
  });

  it("bulk enable: preview first, nothing changes until an approver approves, then a summary", async () => {
    const id = await h.send(ADMIN, `bulk enable group:${SANDBOX_GROUPS.finance.id} --reason "rollout"`);
    const card = await h.answerTo(id);
    expect(card.type).toBe("post");
    if (card.outcome.kind !== "approval")
      throw new Error(`expected an approval card, got ${card.outcome.kind}`);
    const approval = card.outcome.approval;
    expect(approval.status).toBe("pending");
    expect(approval.counts.change).toBeGreaterThan(0);
    const changing = approval.changes.users.map((u) => u.upn);
    for (const upn of changing) expect(h.sandbox.tenant.user(upn)?.perUserMfaState).toBe("disabled");

    const self = await h.answerTo(await h.send(ADMIN, `approve ${approval.id}`));
    expect(self.outcome).toMatchObject({ kind: "text", tone: "error" });

    const ok = await h.answerTo(await h.send(MANAGER, `approve ${approval.id}`));
    expect(ok.outcome).toMatchObject({ kind: "text", tone: "info" });
    const summary = await h.waitFor((m) => m.outcome.kind === "summary");
    if (summary.outcome.kind !== "summary") return;
    expect(summary.outcome.changed.map((c) => c.upn).sort()).toEqual([...changing].sort());
    for (const upn of changing) expect(h.sandbox.tenant.user(upn)?.perUserMfaState).not.toBe("disabled");
    const updated = await h.waitFor(
      (m) => m.type === "update" && m.outcome.kind === "approval" && m.outcome.approval.decidedBy === MANAGER,
    );
    expect(updated.messageId).toBe(card.messageId);
  });
});
