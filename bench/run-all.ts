import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * `npm run bench`: each benchmark in a process of its own (so one's memory and timers
 * never colour another's numbers), one after the other; non-zero if any fails.
 */
const BENCHMARKS: Array<{ name: string; file: string; nodeArgs: string[]; required: boolean }> = [
  // --expose-gc: memory is read after a full collection, so growth means memory kept.
  { name: "bulk enable", file: "bulk-enable.js", nodeArgs: ["--expose-gc"], required: true },
  { name: "Slack ack", file: "slack-ack.js", nodeArgs: [], required: false },
  // Against Graph's documented per-route limits (scaled): bulk, statuses, 10k bulk RSS, report.
  { name: "documented limits", file: "documented-limits.js", nodeArgs: [], required: true },
  { name: "drift sweep", file: "drift-sweep.js", nodeArgs: [], required: true },
];

function run(path: string, nodeArgs: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, path], { stdio: "inherit" });
    child.on("error", () => resolve(1));
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const results: Array<{ name: string; required: boolean; code: number | "missing" }> = [];
  for (const bench of BENCHMARKS) {
    const path = fileURLToPath(new URL(bench.file, import.meta.url));
    if (!existsSync(path)) {
      results.push({ name: bench.name, required: bench.required, code: "missing" });
      continue;
    }
    process.stdout.write(`\n── ${bench.name} ──\n`);
    results.push({ name: bench.name, required: bench.required, code: await run(path, bench.nodeArgs) });
  }
  process.stdout.write("\nbenchmarks:\n");
  for (const r of results) {
    const missing = r.required ? "FAIL (not built)" : "not built, skipped";
    const verdict = r.code === "missing" ? missing : r.code === 0 ? "pass" : `FAIL (exit ${r.code})`;
    process.stdout.write(`  ${r.name.padEnd(12)} ${verdict}\n`);
  }
  return results.every((r) => r.code === 0 || (r.code === "missing" && !r.required)) ? 0 : 1;
}

main().then((code) => {
  process.exitCode = code;
});
