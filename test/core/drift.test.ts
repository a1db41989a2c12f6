import { describe, expect, it } from "vitest";
import { changedOutsideBot } from "../../src/core/drift.js";

describe("changedOutsideBot", () => {
  it("is false for the state the bot set, and for Enabled turned Enforced by registering", () => {
    expect(changedOutsideBot("enabled", "enabled")).toBe(false);
    expect(changedOutsideBot("enabled", "enforced")).toBe(false);
  });

  it("is true for any other difference", () => {
    expect(changedOutsideBot("enabled", "disabled")).toBe(true);
    expect(changedOutsideBot("disabled", "enabled")).toBe(true);
    expect(changedOutsideBot("enforced", "enabled")).toBe(true);
    expect(changedOutsideBot("disabled", "enforced")).toBe(true);
  });
});
