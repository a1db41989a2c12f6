import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/core/grammar.js";
import { FAILURE_WINDOW, failureRateExceeded, stagesFor } from "../../src/core/stages.js";

describe("stagesFor", () => {
  const policy = { minBulk: 100, size: 10, maxFailureRate: 0.2 };

  it("takes the requested canary over the policy's, and the policy's only for big bulks", () => {
    expect(stagesFor(undefined, 5, 50)).toEqual({ canary: 5 });
    expect(stagesFor(policy, 5, 50)).toEqual({ canary: 5, maxFailureRate: 0.2 });
    expect(stagesFor(policy, undefined, 99)).toEqual({ maxFailureRate: 0.2 });
    expect(stagesFor(policy, undefined, 100)).toEqual({ canary: 10, maxFailureRate: 0.2 });
  });

  it("drops a canary as large as the bulk: there would be nothing to continue", () => {
    expect(stagesFor(undefined, 50, 50)).toEqual({});
    expect(stagesFor(undefined, 60, 50)).toEqual({});
  });
});

describe("failureRateExceeded", () => {
  const run = (failures: number, of: number) => Array.from({ length: of }, (_, i) => i < failures);

  it("says nothing before a full window", () => {
    expect(failureRateExceeded(run(FAILURE_WINDOW - 1, FAILURE_WINDOW - 1), 0.1)).toBe(false);
  });

  it("judges the latest window only, above the limit (not at it)", () => {
    expect(failureRateExceeded(run(2, FAILURE_WINDOW), 0.1)).toBe(false);
    expect(failureRateExceeded(run(3, FAILURE_WINDOW), 0.1)).toBe(true);
    // Early failures slid out of the window.
    expect(failureRateExceeded([...run(10, 10), ...run(0, FAILURE_WINDOW)], 0.1)).toBe(false);
  });
});

describe("--canary in the grammar", () => {
  it("reads a canary among a bulk's targets", () => {
    expect(parseCommand("bulk enable a@contoso.com --canary 5 b@contoso.com")).toMatchObject({
      ok: true,
      command: {
        verb: "bulk-enable",
        canary: 5,
        targets: [{ upn: "a@contoso.com" }, { upn: "b@contoso.com" }],
      },
    });
  });

  it.each([
    ["bulk enable a@contoso.com --canary", /"--canary" needs a number of users/],
    ["bulk enable a@contoso.com --canary 0", /"--canary" needs a number of users/],
    ["bulk enable a@contoso.com --canary ten", /"--canary" needs a number of users/],
    ["bulk enable a@contoso.com --canary 2 --canary 3", /only once/],
  ])("refuses %s with the reason", (text, error) => {
    const parsed = parseCommand(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});
