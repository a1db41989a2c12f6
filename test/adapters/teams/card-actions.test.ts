import { describe, expect, it } from "vitest";
import { readInvokeDecision, readSubmitDecision } from "../../../adapters/teams/card-actions.js";

describe("card decisions", () => {
  it("reads an Action.Execute invoke's verb and approval id", () => {
    expect(
      readInvokeDecision({
        action: { type: "Action.Execute", verb: "mfa.reject", data: { approvalId: "K3M9P2XQ" } },
      }),
    ).toEqual({ ok: true, command: { verb: "reject", approvalId: "k3m9p2xq" } });
  });

  it("reads Continue and Abort on a paused bulk's card, with the operation id", () => {
    expect(
      readInvokeDecision({
        action: { type: "Action.Execute", verb: "mfa.continue", data: { operationId: "K3M9P2XQ" } },
      }),
    ).toEqual({ ok: true, command: { verb: "continue", operationId: "k3m9p2xq" } });
    expect(readSubmitDecision({ verb: "mfa.abort", operationId: "k3m9p2xq" })).toEqual({
      ok: true,
      command: { verb: "abort", operationId: "k3m9p2xq" },
    });
    // A stage button that carries an approval id instead is not read as one.
    expect(
      readInvokeDecision({
        action: { type: "Action.Execute", verb: "mfa.continue", data: { approvalId: "k3m9p2xq" } },
      }).ok,
    ).toBe(false);
  });

  it("reads the Action.Submit fallback's data", () => {
    expect(readSubmitDecision({ verb: "mfa.approve", approvalId: "k3m9p2xq" })).toEqual({
      ok: true,
      command: { verb: "approve", approvalId: "k3m9p2xq" },
    });
  });

  it.each([
    ["no value", undefined],
    [
      "an Action.Submit sent as invoke",
      { action: { type: "Action.Submit", verb: "mfa.approve", data: { approvalId: "k3m9p2xq" } } },
    ],
    [
      "an unknown verb",
      { action: { type: "Action.Execute", verb: "mfa.delete", data: { approvalId: "k3m9p2xq" } } },
    ],
    [
      "a malformed id",
      { action: { type: "Action.Execute", verb: "mfa.approve", data: { approvalId: "k3m9p2x1" } } },
    ],
    ["no id", { action: { type: "Action.Execute", verb: "mfa.approve", data: {} } }],
  ])("refuses %s", (_label, value) => {
    expect(readInvokeDecision(value).ok).toBe(false);
  });
});
