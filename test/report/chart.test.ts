import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { reportChart } from "../../src/report/chart.js";
import { discardFile } from "../../src/report/outgoing-file.js";
import { emptyTally } from "../../src/report/tally.js";

describe("reportChart", () => {
  it("draws the counts as a PNG, offline, with the same numbers in words for screen readers", async () => {
    const tally = emptyTally();
    tally.total = 5000;
    tally.counts = { disabled: 4000, enabled: 600, enforced: 400 };
    tally.registration = { registered: 1200, notRegistered: 3800, unknown: 0 };
    const file = await reportChart(tally);
    try {
      const png = await readFile(file.path);
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(file.bytes).toBe(png.length);
      // IHDR: a chart of real size, not an empty image.
      expect(png.readUInt32BE(16)).toBeGreaterThan(300);
      expect(png.readUInt32BE(20)).toBeGreaterThan(150);
      expect(file.altText).toBe(
        "Bar charts. Disabled: 4000, Enabled — waiting for registration: 600, Enforced: 400, Registered: 1200, Not registered: 3800.",
      );
    } finally {
      await discardFile(file);
    }
  });
});
