import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { REDIS_URL, type WorkerHarness } from "./worker-harness.js";

const CHILD = fileURLToPath(new URL("../worker/fixtures/worker-child.mjs", import.meta.url));

/** What the child worker is told beyond the harness's queue and sandbox (see worker-child.mjs). */
export interface ChildWorkerOptions {
  policy: unknown;
  /** Slow enough that a bulk takes a few seconds, so a kill lands in the middle. */
  graphRps?: number;
  lockMs?: number;
  stalledMs?: number;
  maxStalledCount?: number;
}

/** A worker in a process of its own (the compiled code), so a test can SIGKILL it mid-job. */
export function startChildWorker(h: WorkerHarness, options: ChildWorkerOptions): Promise<ChildProcess> {
  if (!existsSync(new URL("../../dist/src/run/worker-runtime.js", import.meta.url))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test does it first)");
  }
  const child = spawn(process.execPath, [CHILD], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL,
      QUEUE_PREFIX: h.prefix,
      SANDBOX_URL: h.sandbox.url,
      POLICY_JSON: JSON.stringify(options.policy),
      GRAPH_RPS: String(options.graphRps ?? 100),
      LOCK_MS: String(options.lockMs ?? 2_000),
      STALLED_MS: String(options.stalledMs ?? 1_000),
      ...(options.maxStalledCount === undefined ? {} : { MAX_STALLED: String(options.maxStalledCount) }),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`the worker process exited (${code}): ${stderr}`)));
  });
}

/** Polls `check` until it holds; fails after `timeoutMs` naming `what`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
