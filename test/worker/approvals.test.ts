import { afterEach, describe, expect, it } from "vitest";
import type { ApprovalView } from "../../src/notify/outcome.js";
import { SANDBOX_GROUPS, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/default-seed.js";
import {
  ADMIN,
  approvalOf,
  HELPDESK,
  MANAGER,
  type Message,
  testPolicy,
  WorkerHarness,
} from "../helpers/worker-harness.js";

const FINANCE = `group:${SANDBOX_GROUPS.finance.id}`;
const PATCH_ROUTE = "PATCH /beta/users/{id}/authentication/requirements";

describe("approvals", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  async function requestBulk(): Promise<{ card: Message; approval: ApprovalView }> {
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable ${FINANCE}`));
    return { card, approval: approvalOf(card) };
  }

  it("a user's status lists the bulk request waiting for approval, and no longer once it is approved", async () => {
    h = await WorkerHarness.start();
    const { approval } = await requestBulk();
    const member = approval.changes.users[0]?.upn ?? "";
    const statusOf = async () => {
      const answer = await h.answerTo(await h.send(HELPDESK, `status ${member}`));
      if (answer.outcome.kind !== "status") throw new Error(`expected a status, got ${answer.outcome.kind}`);
      return answer.outcome;
    };
    expect((await statusOf()).pendingApprovals).toEqual([approval.id]);
    await h.answerTo(await h.send(MANAGER, `approve ${approval.id}`));
    await h.waitFor((m) => m.outcome.kind === "summary");
    expect((await statusOf()).pendingApprovals ?? []).toEqual([]);
  });

  it("two approvers clicking at once apply the change exactly once", async () => {
    h = await WorkerHarness.start();
    const { approval } = await requestBulk();
    const [a, b] = await Promise.all([
      h.send(MANAGER, `approve ${approval.id}`),
      h.send("manager2@contoso.com", `approve ${approval.id}`),
    ]);
    const answers = [await h.answerTo(a), await h.answerTo(b)];
    const texts = answers.map((m) => (m.outcome.kind === "text" ? m.outcome : null));
    expect(texts.filter((t) => t?.tone === "info")).toHaveLength(1);
    expect(texts.filter((t) => t?.tone === "error" && /already approved/.test(t.text))).toHaveLength(1);
    await h.waitFor((m) => m.outcome.kind === "summary");
    // Let any second apply (there must be none) show itself before counting.
    await h.poll(500);
    expect(h.received.filter((m) => m.outcome.kind === "summary")).toHaveLength(1);
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(approval.counts.change);
  });

  it("the same approver clicking twice applies once", async () => {
    h = await WorkerHarness.start();
    const { approval } = await requestBulk();
    const first = await h.send(MANAGER, `approve ${approval.id}`);
    const second = await h.send(MANAGER, `approve ${approval.id}`);
    await h.answerTo(first);
    const again = await h.answerTo(second);
    expect(again.outcome).toMatchObject({ kind: "text", tone: "error" });
    await h.waitFor((m) => m.outcome.kind === "summary");
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(approval.counts.change);
  });

  it("refuses self-approval, and someone who is not an approver", async () => {
    h = await WorkerHarness.start();
    const { approval } = await requestBulk();
    const self = await h.answerTo(await h.send(ADMIN, `approve ${approval.id}`));
    expect(self.outcome).toMatchObject({ kind: "text", tone: "error" });
    expect(self.outcome.kind === "text" && self.outcome.text).toMatch(/own request/);
    const helpdesk = await h.answerTo(await h.send(HELPDESK, `approve ${approval.id}`));
    expect(helpdesk.outcome.kind === "text" && helpdesk.outcome.text).toMatch(/only the approvers/);
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(0);
    expect((await h.deps().operations.get(approval.id))?.state.status).toBe("pending");
  });

  it("knows a person by their directory UPN: a request under their email cannot be approved under their UPN", async () => {
    const megan = SANDBOX_SAMPLE_USERS.mailDiffersFromUpn;
    h = await WorkerHarness.start({
      policy: testPolicy({
        roles: { admin: [megan.userPrincipalName], approver: [megan.userPrincipalName, MANAGER] },
      }),
    });
    // Slack knows her by her profile email, Teams by her UPN.
    const card = await h.answerTo(await h.send(megan.mail, `bulk enable ${FINANCE}`));
    const approval = approvalOf(card);
    expect(approval.requester).toBe(megan.userPrincipalName);
    const self = await h.answerTo(await h.send(megan.userPrincipalName, `approve ${approval.id}`));
    expect(self.outcome.kind === "text" && self.outcome.text).toMatch(/own request/);
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(0);
  });

  it("refuses an expired request and shows it expired on the card", async () => {
    let offsetMs = 0;
    h = await WorkerHarness.start({ worker: { now: () => new Date(Date.now() + offsetMs) } });
    const { card, approval } = await requestBulk();
    offsetMs = 25 * 3600 * 1000; // past the default 24 h approval TTL
    const late = await h.answerTo(await h.send(MANAGER, `approve ${approval.id}`));
    expect(late.outcome.kind === "text" && late.outcome.text).toMatch(/expired/);
    const updated = await h.waitFor((m) => m.type === "update" && m.messageId === card.messageId);
    expect(approvalOf(updated).status).toBe("expired");
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(0);
  });

  it("a rejection changes nothing and updates the card with who decided", async () => {
    h = await WorkerHarness.start();
    const { card, approval } = await requestBulk();
    await h.answerTo(await h.send(MANAGER, `reject ${approval.id} --reason "not this week"`));
    const updated = await h.waitFor((m) => m.type === "update" && m.messageId === card.messageId);
    expect(approvalOf(updated)).toMatchObject({ status: "rejected", decidedBy: MANAGER });
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(0);
  });

  it("plan drift: a user changed after approval was asked → not applied, a fresh approval is posted", async () => {
    h = await WorkerHarness.start();
    const { card, approval } = await requestBulk();
    const changed = approval.changes.users[0]?.upn;
    if (!changed) throw new Error("the finance group should have someone to change");
    h.sandbox.tenant.setMfaState(changed, "enabled");
    await h.answerTo(await h.send(MANAGER, `approve ${approval.id}`));
    const superseded = await h.waitFor(
      (m) => m.type === "update" && m.messageId === card.messageId && approvalOf(m).status === "superseded",
    );
    expect(approvalOf(superseded).outcomeText).toMatch(/changed/);
    const fresh = await h.waitFor(
      (m) => m.type === "post" && m.outcome.kind === "approval" && m.outcome.approval.id !== approval.id,
    );
    const again = approvalOf(fresh);
    expect(again.status).toBe("pending");
    expect(again.counts.change).toBe(approval.counts.change - 1);
    expect(again.changes.users.map((u) => u.upn)).not.toContain(changed);
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(0);
  });

  it("undo restores the states an operation changed", async () => {
    h = await WorkerHarness.start();
    const upn = SANDBOX_SAMPLE_USERS.disabledUnregistered.userPrincipalName;
    const enabled = await h.answerTo(await h.send(ADMIN, `enable ${upn}`));
    if (enabled.outcome.kind !== "change") throw new Error("expected a change");
    const card = await h.answerTo(await h.send(ADMIN, `undo ${enabled.outcome.operationId}`));
    const undo = approvalOf(card);
    expect(undo.action).toBe("undo");
    await h.answerTo(await h.send(MANAGER, `approve ${undo.id}`));
    await h.waitFor(
      (m) =>
        (m.outcome.kind === "change" || m.outcome.kind === "summary") && m.outcome.operationId === undo.id,
    );
    expect(h.sandbox.tenant.user(upn)?.perUserMfaState).toBe("disabled");
  });
});
