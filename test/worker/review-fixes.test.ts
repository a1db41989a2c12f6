import { afterEach, describe, expect, it } from "vitest";
import { ConsoleNotifier } from "../../adapters/console/notifier.js";
import { DirectoryError } from "../../src/directory/errors.js";
import type { Directory } from "../../src/directory/port.js";
import type { Outcome } from "../../src/notify/outcome.js";
import type { MessageRef, ReplyAddress } from "../../src/notify/port.js";
import { SANDBOX_GROUPS } from "../../src/sandbox/default-seed.js";
import { ADMIN, MANAGER, type Message, WorkerHarness } from "../helpers/worker-harness.js";

const FINANCE = `group:${SANDBOX_GROUPS.finance.id}`;
const PATCH_ROUTE = "PATCH /beta/users/{id}/authentication/requirements";

function approvalId(m: Message): string {
  if (m.outcome.kind !== "approval") throw new Error(`expected an approval card, got ${m.outcome.kind}`);
  return m.outcome.approval.id;
}

describe("safety at apply time", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  it("convert: coverage that went away after the request is seen at apply time — nothing disabled, everyone refused", async () => {
    h = await WorkerHarness.start();
    // A security-defaults tenant: its Conditional Access policies are off.
    h.sandbox.tenant.setConditionalAccessPolicies(
      h.sandbox.tenant.conditionalAccessPolicies.map((p) => ({ ...p, state: "disabled" })),
    );
    h.sandbox.tenant.setSecurityDefaults(true);
    const card = await h.answerTo(await h.send(ADMIN, "convert execute"));
    const id = approvalId(card);
    h.sandbox.tenant.setSecurityDefaults(false);
    await h.answerTo(await h.send(MANAGER, `approve ${id}`));
    // Nobody is covered any more: the new plan refuses everyone and changes nothing.
    const answer = await h.waitFor((m) => m.outcome.kind === "change" && m.outcome.operationId === id);
    if (answer.outcome.kind !== "change") return;
    expect(answer.outcome.results).toHaveLength(0);
    expect(answer.outcome.refused.length).toBeGreaterThan(0);
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(0);
    expect((await h.deps().operations.get(id))?.state.status).toBe("superseded");
  });

  it("a user deleted between request and approval: the rest is asked again, not stuck", async () => {
    h = await WorkerHarness.start();
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable ${FINANCE}`));
    const id = approvalId(card);
    if (card.outcome.kind !== "approval") return;
    const gone = card.outcome.approval.changes.users[0]?.upn as string;
    h.sandbox.tenant.deleteUser(gone);
    await h.answerTo(await h.send(MANAGER, `approve ${id}`));
    const again = await h.waitFor(
      (m) => m.type === "post" && m.outcome.kind === "approval" && m.outcome.approval.id !== id,
    );
    if (again.outcome.kind !== "approval") return;
    expect(again.outcome.approval.notFound.refs).toContain(gone);
    expect(h.sandbox.stats.count(PATCH_ROUTE)).toBe(0);
  });

  it("an apply that cannot go on is marked failed, the card says so, and the requester is told", async () => {
    h = await WorkerHarness.start({ startWorker: false });
    const forbidden: Directory = {
      ...h.directory,
      getMfaStates: (ids) => h.directory.getMfaStates(ids),
      setMfaStates: async () => {
        throw new DirectoryError("forbidden", "the app lacks Policy.ReadWrite.AuthenticationMethod");
      },
    };
    h.startWorker({ directory: forbidden });
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable ${FINANCE}`));
    const id = approvalId(card);
    await h.answerTo(await h.send(MANAGER, `approve ${id}`));
    const told = await h.waitFor((m) => m.outcome.kind === "text" && m.outcome.operationId === id);
    expect(told.outcome.kind === "text" && told.outcome.text).toMatch(
      /Policy\.ReadWrite\.AuthenticationMethod/,
    );
    expect((await h.deps().operations.get(id))?.state.status).toBe("failed");
    await h.waitFor(
      (m) =>
        m.type === "update" &&
        m.outcome.kind === "approval" &&
        /^Failed/.test(m.outcome.approval.outcomeText ?? ""),
    );
  });
});

/** A console notifier whose first channel post fails, as a chat platform outage would. */
class FirstPostFails extends ConsoleNotifier {
  failed = false;
  override async post(to: ReplyAddress, outcome: Outcome): Promise<MessageRef> {
    if (!this.failed) {
      this.failed = true;
      throw new Error("chat platform unavailable");
    }
    return super.post(to, outcome);
  }
}

describe("a request retried after a failure", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  it("finds the operation its first attempt made: one operation, one card", async () => {
    h = await WorkerHarness.start({ startWorker: false });
    h.startWorker({ notifiers: (state, prefix) => ({ console: new FirstPostFails(state, prefix) }) });
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable ${FINANCE}`));
    const id = approvalId(card);
    await h.poll(1_500);
    expect(h.received.filter((m) => m.outcome.kind === "approval")).toHaveLength(1);
    const someone =
      card.outcome.kind === "approval" ? card.outcome.approval.changes.users[0]?.upn : undefined;
    expect(await h.deps().operations.pendingFor(someone as string)).toEqual([id]);
  });
});
