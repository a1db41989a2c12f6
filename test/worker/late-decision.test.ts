import { afterEach, describe, expect, it } from "vitest";
import { SANDBOX_GROUPS } from "../../src/sandbox/default-seed.js";
import { ADMIN, MANAGER, WorkerHarness } from "../helpers/worker-harness.js";

const FINANCE = `group:${SANDBOX_GROUPS.finance.id}`;

describe("a decision that comes after the operation was applied", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  it("tells the late approver it was already approved, and by whom, not that it was 'done by' them", async () => {
    h = await WorkerHarness.start();
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable ${FINANCE}`));
    if (card.outcome.kind !== "approval")
      throw new Error(`expected an approval card, got ${card.outcome.kind}`);
    const approvalId = card.outcome.approval.id;
    await h.answerTo(await h.send(MANAGER, `approve ${approvalId}`));
    // The card's last edit comes once the operation is done.
    await h.waitFor(
      (m) =>
        m.type === "update" &&
        m.outcome.kind === "approval" &&
        /^Applied/.test(m.outcome.approval.outcomeText ?? ""),
    );
    expect((await h.deps().operations.get(approvalId))?.state.status).toBe("done");
    const late = await h.answerTo(await h.send("manager2@contoso.com", `approve ${approvalId}`));
    expect(late.outcome).toMatchObject({ kind: "text", tone: "error" });
    expect(late.outcome.kind === "text" && late.outcome.text).toMatch(
      new RegExp(`^You cannot approve ${approvalId}: it was already approved by ${MANAGER} at `),
    );
  });
});
