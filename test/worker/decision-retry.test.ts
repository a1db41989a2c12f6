import { afterEach, describe, expect, it } from "vitest";
import { ConsoleNotifier } from "../../adapters/console/notifier.js";
import type { Outcome } from "../../src/notify/outcome.js";
import type { MessageRef } from "../../src/notify/port.js";
import { SANDBOX_GROUPS } from "../../src/sandbox/default-seed.js";
import { ADMIN, MANAGER, WorkerHarness } from "../helpers/worker-harness.js";

/** A console notifier whose first card edit fails, as a chat platform outage would. */
class FlakyEdits extends ConsoleNotifier {
  failuresLeft = 1;
  override async update(ref: MessageRef, outcome: Outcome): Promise<void> {
    if (this.failuresLeft-- > 0) throw new Error("chat platform unavailable");
    return super.update(ref, outcome);
  }
}

describe("a decision job that fails after deciding", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  it("is retried and finishes its own approval instead of refusing it", async () => {
    h = await WorkerHarness.start({ startWorker: false });
    h.startWorker({ notifiers: (state, prefix) => ({ console: new FlakyEdits(state, prefix) }) });
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable group:${SANDBOX_GROUPS.finance.id}`));
    if (card.outcome.kind !== "approval") throw new Error("expected an approval card");
    const approval = card.outcome.approval;
    const answer = await h.answerTo(await h.send(MANAGER, `approve ${approval.id}`));
    expect(answer.outcome).toMatchObject({ kind: "text", tone: "info" });
    const summary = await h.waitFor((m) => m.outcome.kind === "summary");
    if (summary.outcome.kind !== "summary") return;
    expect(summary.outcome.changed).toHaveLength(approval.counts.change);
    expect(h.sandbox.stats.count("PATCH /beta/users/{id}/authentication/requirements")).toBe(
      approval.counts.change,
    );
  });
});
