import { existsSync } from "node:fs";
import type { TopLevelSpec } from "vega-lite";
import { stateLabel } from "../notify/words.js";
import { renderChartPng } from "./chart-process.js";
import { type OutgoingFile, temporaryFile } from "./outgoing-file.js";
import type { ReportTally } from "./tally.js";

/**
 * Charts drawn by Vega-Lite (compiled to Vega, rendered to SVG without a browser or canvas)
 * and turned into PNG by resvg, in a short-lived child process (chart-process.ts): both run
 * offline, nothing is hand-drawn. resvg needs a font
 * for the labels; DejaVu Sans where the system has it, any system font otherwise, and with
 * no font at all the chart still renders (bars without labels) rather than failing.
 */
const FONT_FILES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/TTF/DejaVuSans.ttf",
];
const FONT = "DejaVu Sans";

export interface BarDatum {
  group: string;
  label: string;
  count: number;
}

/** One bar chart per group, side by side; `alt` says the same in words. */
export async function barChartPng(title: string, data: BarDatum[]): Promise<Uint8Array> {
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    data: { values: data },
    config: { font: FONT, view: { stroke: null } },
    facet: { column: { field: "group", type: "nominal", title: null, sort: null } },
    resolve: { scale: { x: "independent", y: "independent" } },
    spec: {
      width: 220,
      height: 160,
      layer: [
        {
          mark: { type: "bar", tooltip: false },
          encoding: {
            x: { field: "label", type: "nominal", title: null, sort: null, axis: { labelAngle: 0 } },
            y: { field: "count", type: "quantitative", title: "users" },
            color: { field: "label", type: "nominal", legend: null },
          },
        },
        {
          mark: { type: "text", dy: -6 },
          encoding: {
            x: { field: "label", type: "nominal", sort: null },
            y: { field: "count", type: "quantitative" },
            text: { field: "count", type: "quantitative" },
          },
        },
      ],
    },
  };
  const fontFiles = FONT_FILES.filter((file) => existsSync(file));
  // In a process of its own (chart-process.ts): the renderer's memory leaves with it.
  return renderChartPng(spec, {
    background: "white",
    fitTo: { mode: "zoom", value: 1.5 },
    font: { loadSystemFonts: fontFiles.length === 0, fontFiles, defaultFontFamily: FONT },
  });
}

/** The outcome of a bulk rollout, user by user, as a PNG file. */
export async function rolloutChart(
  title: string,
  counts: ReadonlyArray<readonly [label: string, count: number]>,
): Promise<OutgoingFile> {
  const data = counts.map(([label, count]) => ({ group: "Users", label, count }));
  const png = await barChartPng(title, data);
  return temporaryFile(png, {
    filename: "mfa-rollout.png",
    mimeType: "image/png",
    title: `${title} (chart)`,
    altText: `Bar chart. ${data.map((d) => `${d.label}: ${d.count}`).join(", ")}.`,
  });
}

/** The report's counts by per-user state and by registration, as a PNG file. */
export async function reportChart(tally: ReportTally): Promise<OutgoingFile> {
  const states = Object.entries(tally.counts).map(([state, count]) => ({
    group: "Per-user MFA state",
    label: stateLabel(state),
    count,
  }));
  const { registered, notRegistered, unknown } = tally.registration;
  const registration = [
    { group: "MFA registration", label: "Registered", count: registered },
    { group: "MFA registration", label: "Not registered", count: notRegistered },
    ...(unknown > 0 ? [{ group: "MFA registration", label: "Unknown", count: unknown }] : []),
  ];
  const data = [...states, ...registration];
  const png = await barChartPng(`Per-user MFA: ${tally.total} users`, data);
  return temporaryFile(png, {
    filename: "mfa-report.png",
    mimeType: "image/png",
    title: "Per-user MFA report (chart)",
    altText: `Bar charts. ${data.map((d) => `${d.label}: ${d.count}`).join(", ")}.`,
  });
}
