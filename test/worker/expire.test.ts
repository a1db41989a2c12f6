import { afterEach, describe, expect, it } from "vitest";
import { SANDBOX_GROUPS } from "../../src/sandbox/default-seed.js";
import { ADMIN, WorkerHarness } from "../helpers/worker-harness.js";

describe("approval requests nobody decides on", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  it("are retired when they expire: status expired, card without buttons, off the users' pending lists", async () => {
    let offsetMs = 0;
    h = await WorkerHarness.start({ worker: { now: () => new Date(Date.now() + offsetMs) } });
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable group:${SANDBOX_GROUPS.finance.id}`));
    if (card.outcome.kind !== "approval") throw new Error("expected an approval card");
    const { id } = card.outcome.approval;
    const someone = card.outcome.approval.changes.users[0]?.upn as string;

    // Scheduled for the expiry time (the policy's default 24 h)...
    // (it is queued just after the card is posted)
    let delayed = (await h.queue.queue.getDelayed()).filter((j) => j.name === "expire");
    for (let i = 0; i < 50 && delayed.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      delayed = (await h.queue.queue.getDelayed()).filter((j) => j.name === "expire");
    }
    expect(delayed).toHaveLength(1);
    expect(delayed[0]?.opts.delay).toBeGreaterThan(23 * 3600 * 1000);

    // ...and doing nothing if it ran early.
    await h.queue.enqueue({ kind: "expire", requestId: "early", operationId: id });
    await h.poll(500);
    expect((await h.deps().operations.get(id))?.state.status).toBe("pending");

    offsetMs = 25 * 3600 * 1000;
    await h.queue.enqueue({ kind: "expire", requestId: "due", operationId: id });
    const updated = await h.waitFor(
      (m) => m.type === "update" && m.outcome.kind === "approval" && m.outcome.approval.status === "expired",
    );
    expect(updated.messageId).toBe(card.messageId);
    expect((await h.deps().operations.get(id))?.state.status).toBe("expired");
    expect(await h.deps().operations.pendingFor(someone)).toEqual([]);
  });
});
