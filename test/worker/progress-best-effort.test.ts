import { afterEach, describe, expect, it } from "vitest";
import { ConsoleNotifier } from "../../adapters/console/notifier.js";
import type { Outcome } from "../../src/notify/outcome.js";
import type { MessageRef } from "../../src/notify/port.js";
import { jobIdFor } from "../../src/queue/queues.js";
import { SANDBOX_GROUPS } from "../../src/sandbox/default-seed.js";
import { ADMIN, MANAGER, WorkerHarness } from "../helpers/worker-harness.js";

const FINANCE = `group:${SANDBOX_GROUPS.finance.id}`;

/** What Slack's Web API client throws when the message to edit was deleted. */
function messageNotFound(): Error {
  return Object.assign(new Error("An API error occurred: message_not_found"), {
    code: "slack_webapi_platform_error",
    data: { ok: false, error: "message_not_found" },
  });
}

describe("a progress message that can no longer be edited", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  it("does not stop the apply: every user changes, the summary is posted, the operation is done", async () => {
    const refused: Outcome["kind"][] = [];
    h = await WorkerHarness.start({ startWorker: false });
    h.startWorker({
      notifiers: (state, prefix) => {
        const console = new ConsoleNotifier(state, prefix);
        // Every edit fails as Slack fails it once someone deleted the message.
        console.update = async (_ref: MessageRef, outcome: Outcome) => {
          refused.push(outcome.kind);
          throw messageNotFound();
        };
        return { console };
      },
    });
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable ${FINANCE}`));
    if (card.outcome.kind !== "approval")
      throw new Error(`expected an approval card, got ${card.outcome.kind}`);
    const approvalId = card.outcome.approval.id;
    const changes = card.outcome.approval.counts.change;
    expect(changes).toBeGreaterThan(1);

    await h.answerTo(await h.send(MANAGER, `approve ${approvalId}`));
    const summary = await h.waitFor((m) => m.outcome.kind === "summary");
    await h.settle();

    expect(summary.outcome).toMatchObject({ kind: "summary", operationId: approvalId, failed: [] });
    expect(summary.outcome.kind === "summary" && summary.outcome.changed).toHaveLength(changes);
    expect((await h.deps().operations.get(approvalId))?.state.status).toBe("done");
    // The progress edits were tried, and each failure was shrugged off.
    expect(refused).toContain("progress");
    // At the first attempt: a failed edit is not an error to retry the apply for.
    const apply = await h.queue.queue.getJob(jobIdFor("apply", approvalId));
    expect(await apply?.getState()).toBe("completed");
    expect(apply?.attemptsMade).toBe(1);
  });
});
