import { describe, expect, it } from "vitest";
import { renderChartPng } from "../../src/report/chart-process.js";

describe("the chart renderer's own process", () => {
  it("draws a PNG from a Vega-Lite spec", async () => {
    const png = await renderChartPng(
      {
        data: { values: [{ label: "Changed", count: 3 }] },
        mark: "bar",
        encoding: { x: { field: "label", type: "nominal" }, y: { field: "count", type: "quantitative" } },
      },
      { background: "white" },
    );
    // The PNG signature (https://www.w3.org/TR/png/#5PNG-file-signature).
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it("a spec it cannot draw is an error naming the renderer, not a hang or an empty file", async () => {
    await expect(renderChartPng({ mark: { type: "no-such-mark" } }, {})).rejects.toThrow(
      /chart renderer failed \(exit code 1\)/,
    );
  });
});
