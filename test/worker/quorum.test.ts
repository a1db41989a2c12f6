import { afterEach, describe, expect, it } from "vitest";
import { SANDBOX_GROUPS } from "../../src/sandbox/default-seed.js";
import {
  ADMIN,
  approvalOf,
  HELPDESK,
  MANAGER,
  testPolicy,
  WorkerHarness,
} from "../helpers/worker-harness.js";

const FINANCE = `group:${SANDBOX_GROUPS.finance.id}`;
const PATCH_ROUTE = "PATCH /beta/users/{id}/authentication/requirements";
const MANAGER2 = "manager2@contoso.com";
const ISAIAH = "isaiahl@contoso.com";

describe("quorum: a request that needs more than one approver", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  it("the plan changed between approvals: the request asks again from zero", async () => {
    h = await WorkerHarness.start({
      policy: testPolicy({
        roles: { helpdesk: [HELPDESK], admin: [ADMIN], approver: [MANAGER, MANAGER2, ISAIAH] },
        quorum: { bulk: 3 },
      }),
    });
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable ${FINANCE}`));
    const approval = approvalOf(card);
    expect(approval.quorum).toEqual({ needed: 3, approvedBy: [] });
    await h.answerTo(await h.send(MANAGER, `approve ${approval.id}`));
    const changed = approval.changes.users[0]?.upn;
    if (!changed) throw new Error("the finance group should have someone to change");
    h.sandbox.tenant.setMfaState(changed, "enabled");

    const answer = await h.answerTo(await h.send(MANAGER2, `approve ${approval.id}`));
    expect(answer.outcome).toMatchObject({ kind: "text", tone: "warning" });
    const superseded = await h.waitFor(
      (m) => m.type === "update" && m.messageId === card.messageId && approvalOf(m).status === "superseded",
    );
    expect(approvalOf(superseded).outcomeText).toMatch(/every approver approves it again/);
    const fresh = approvalOf(
      await h.waitFor(
        (m) => m.type === "post" && m.outcome.kind === "approval" && m.outcome.approval.id !== approval.id,
      ),
    );
    expect(fresh.quorum).toEqual({ needed: 3, approvedBy: [] });
    expect(fresh.changes.users.map((u) => u.upn)).not.toContain(changed);

    // The new request needs its own approvals: the earlier ones do not carry over.
    const one = await h.answerTo(await h.send(MANAGER2, `approve ${fresh.id}`));
    expect(one.outcome.kind === "text" && one.outcome.text).toMatch(/1 of 3 approvals/);
    expect((await h.deps().operations.get(fresh.id))?.state.status).toBe("pending");
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(0);
  });

  it("the plan changed before the last approval: not applied, a new request needs the full quorum", async () => {
    h = await WorkerHarness.start({ policy: testPolicy({ quorum: { bulk: 2 } }) });
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable ${FINANCE}`));
    const approval = approvalOf(card);
    await h.answerTo(await h.send(MANAGER, `approve ${approval.id}`));
    h.sandbox.tenant.setMfaState(approval.changes.users[0]!.upn, "enabled");
    await h.answerTo(await h.send(MANAGER2, `approve ${approval.id}`));
    const fresh = approvalOf(
      await h.waitFor(
        (m) => m.type === "post" && m.outcome.kind === "approval" && m.outcome.approval.id !== approval.id,
      ),
    );
    expect(fresh.quorum).toEqual({ needed: 2, approvedBy: [] });
    await h.waitFor(
      (m) => m.type === "update" && m.messageId === card.messageId && approvalOf(m).status === "superseded",
    );
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(0);
  });

  it("one reject ends it, whatever approvals came before", async () => {
    h = await WorkerHarness.start({ policy: testPolicy({ quorum: { bulk: 3 } }) });
    const approval = approvalOf(await h.answerTo(await h.send(ADMIN, `bulk enable ${FINANCE}`)));
    await h.answerTo(await h.send(MANAGER, `approve ${approval.id}`));
    const rejected = await h.answerTo(await h.send(MANAGER2, `reject ${approval.id}`));
    expect(rejected.outcome).toMatchObject({ kind: "text", tone: "info" });
    const late = await h.answerTo(await h.send(ADMIN, `approve ${approval.id}`));
    expect(late.outcome.kind === "text" && late.outcome.text).toMatch(/already rejected by manager2/);
    expect((await h.deps().operations.get(approval.id))?.state.status).toBe("rejected");
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(0);
  });

  it("a single enable needs only one approver unless the policy names it", async () => {
    h = await WorkerHarness.start({
      policy: testPolicy({ requireApproval: ["enable", "bulk"], quorum: { bulk: 2 } }),
    });
    const card = await h.answerTo(await h.send(ADMIN, "enable alexw@contoso.com"));
    expect(approvalOf(card).quorum).toBeUndefined();
  });
});
