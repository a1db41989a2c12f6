import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/mfa-bot.js", import.meta.url));

/** The CLI as users run it (`npx mfa-bot …` = bin/mfa-bot.js on the build); `npm test` builds first. */
export function spawnCli(args: string[], env: Record<string, string | undefined>): ChildProcess {
  if (!existsSync(new URL("../../dist/src/cli.js", import.meta.url))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test does it first)");
  }
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, ...env })) {
    if (v !== undefined) clean[k] = v;
  }
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: clean, stdio: ["pipe", "pipe", "pipe"] });
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function collect(child: ChildProcess): {
  done: Promise<Finished>;
  stdout: () => string;
  stderr: () => string;
} {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<Finished>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { done, stdout: () => stdout, stderr: () => stderr };
}

export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
