import { afterEach, describe, expect, it } from "vitest";
import { ConsoleNotifier } from "../../adapters/console/notifier.js";
import type { Outcome } from "../../src/notify/outcome.js";
import type { DirectMessageResult, DirectMessageTarget, ReplyAddress } from "../../src/notify/port.js";
import { SANDBOX_GROUPS } from "../../src/sandbox/default-seed.js";
import { ADMIN, MANAGER, WorkerHarness } from "../helpers/worker-harness.js";

/** A platform where nobody can be reached by direct message. */
class NobodyReachable extends ConsoleNotifier {
  override async directMessage(
    _user: DirectMessageTarget,
    _outcome: Outcome,
    _context: ReplyAddress,
  ): Promise<DirectMessageResult> {
    return { delivered: false, reason: "not in this workspace" };
  }
}

describe("reminders a bulk could not deliver", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  it("are reported to the requester in one message, not one per user", async () => {
    h = await WorkerHarness.start({ startWorker: false });
    h.startWorker({ notifiers: (state, prefix) => ({ console: new NobodyReachable(state, prefix) }) });
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable group:${SANDBOX_GROUPS.finance.id}`));
    if (card.outcome.kind !== "approval") throw new Error("expected an approval card");
    await h.answerTo(await h.send(MANAGER, `approve ${card.outcome.approval.id}`));
    const summary = await h.waitFor((m) => m.outcome.kind === "summary");
    if (summary.outcome.kind !== "summary") return;
    const leftEnabled = summary.outcome.changed.filter((c) => c.now === "enabled").map((c) => c.upn);
    expect(leftEnabled.length).toBeGreaterThan(1);

    const digest = await h.waitFor(
      (m) => m.outcome.kind === "text" && /Could not remind/.test(m.outcome.text),
    );
    if (digest.outcome.kind !== "text") return;
    for (const upn of leftEnabled) expect(digest.outcome.text).toContain(upn);
    await h.poll(1_000);
    const notices = h.received.filter(
      (m) => m.outcome.kind === "text" && /Could not remind/.test(m.outcome.text),
    );
    expect(notices).toHaveLength(1);
  });
});
