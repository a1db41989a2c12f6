import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, sep } from "node:path";

/**
 * Renders a Vega-Lite spec to PNG in a short-lived Node process of its own. Vega, Vega-Lite and
 * resvg cost a worker tens of megabytes once loaded, and resvg's rendering on libuv's thread
 * pool leaves as much again or more in native memory that the process does not give back
 * (README, "Memory"); a child process takes all of it with it when it exits, so a worker's
 * memory stays flat however many charts it draws. Each chart is one per bulk or report, so the
 * child's start (a fraction of a second) is not felt.
 */

/** What the child runs: compile, render to SVG, rasterise; the PNG on stdout, errors on stderr. */
const CHILD = `
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { spec, options } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const [vega, { compile }, { renderAsync }] = await Promise.all([
  import("vega"),
  import("vega-lite"),
  import("@resvg/resvg-js"),
]);
const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
const svg = await view.toSVG();
view.finalize();
const image = await renderAsync(svg, options);
process.stdout.write(image.asPng());
`;

const TIMEOUT_MS = 30_000;

/**
 * Where the child resolves the chart packages from: the directory holding the node_modules
 * that holds them (this package's own, or the one it was installed into).
 */
function packagesRoot(): string {
  const resvg = createRequire(import.meta.url).resolve("@resvg/resvg-js");
  const at = resvg.lastIndexOf(`${sep}node_modules${sep}`);
  return at >= 0 ? resvg.slice(0, at) : dirname(resvg);
}

/** The PNG of a Vega-Lite spec, drawn with these resvg options, by a child process. */
export function renderChartPng(spec: unknown, options: unknown): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
      cwd: packagesRoot(),
      stdio: ["pipe", "pipe", "pipe"],
      // Only what Node needs: the child never sees the worker's secrets.
      env: { PATH: process.env.PATH ?? "" },
      timeout: TIMEOUT_MS,
    });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      err = (err + chunk.toString("utf8")).slice(-2_000);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const png = Buffer.concat(out);
      if (code === 0 && png.length > 0) return resolve(new Uint8Array(png));
      const why = signal ? `stopped by ${signal}` : `exit code ${code}`;
      const line = err.trim().split("\n").filter(Boolean).at(-1) ?? "no output";
      reject(new Error(`chart renderer failed (${why}): ${line}`));
    });
    child.stdin.on("error", () => {
      // The child died before reading its input: its exit says why.
    });
    child.stdin.end(JSON.stringify({ spec, options }));
  });
}
