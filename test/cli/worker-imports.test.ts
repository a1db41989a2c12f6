import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * A worker process loads only what it runs (README, "Memory"): the chart renderer, Bolt and
 * botbuilder are imported when a chart is drawn or a chat platform is configured, not at start.
 * Checked on the build with a module hook that refuses to resolve those packages.
 */
const HEAVY = /^(vega|vega-lite|@resvg\/resvg-js|botbuilder|@slack\/bolt|@slack\/web-api)(\/|$)/;
const HOOK = `export async function resolve(specifier, context, next) {
  if (${HEAVY}.test(specifier)) throw new Error("loaded at start: " + specifier);
  return next(specifier, context);
}`;
const REGISTER = `import { register } from "node:module";
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`;

function importWithoutHeavyPackages(modules: string[]) {
  const urls = modules.map((m) => new URL(`../../dist/${m}`, import.meta.url).href);
  if (!existsSync(new URL(urls[0] ?? "")))
    throw new Error("dist/ is missing: run `npm run build` (npm test does it first)");
  const result = spawnSync(
    process.execPath,
    [
      "--import",
      `data:text/javascript,${encodeURIComponent(REGISTER)}`,
      "--input-type=module",
      "-e",
      urls.map((url) => `await import(${JSON.stringify(url)});`).join("\n"),
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  return { status: result.status, stderr: result.stderr };
}

describe("what a worker process loads at start", () => {
  it("the command table, the worker command and the job handlers load no chart renderer, Bolt or botbuilder", () => {
    const run = importWithoutHeavyPackages([
      "src/cli/commands.js",
      "src/cli/worker.js",
      "src/worker/start.js",
      "src/report/chart.js",
    ]);
    expect(run.stderr).not.toMatch(/loaded at start/);
    expect(run.status).toBe(0);
  });

  it("the hook does refuse them: the HTTP server, which needs Bolt, does not load under it", () => {
    const run = importWithoutHeavyPackages(["src/cli/serve.js"]);
    expect(run.stderr).toMatch(/loaded at start: @slack\/bolt|loaded at start: botbuilder/);
    expect(run.status).not.toBe(0);
  });
});
