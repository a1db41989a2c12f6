import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { findOnPath, redisAnswers } from "../../src/cli/local-redis.js";
import { connectRedis } from "../../src/queue/queues.js";
import { REDIS_URL } from "../helpers/worker-harness.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(ROOT, "bin", "mfa-bot.js");
const prefix = `test-demo-${randomUUID().slice(0, 8)}`;
const EMPTY_DIR = mkdtempSync(join(tmpdir(), "mfa-bot-no-redis-"));

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run demo` is `node bin/mfa-bot.js demo`: run it as users do, on the build. */
function demo(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  done: Promise<Finished>;
} {
  if (!existsSync(join(ROOT, "dist", "src", "cli.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test does it first)");
  }
  const child = spawn(process.execPath, [BIN, "demo"], {
    cwd: ROOT,
    env: { HOME: process.env.HOME ?? "/tmp", MFA_BOT_QUEUE_PREFIX: prefix, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<Finished>((resolve) => {
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { child, output: () => stdout, done };
}

/** The demo's output for these lines typed on stdin, once it has exited cleanly at their end. */
async function typed(lines: string[]): Promise<string> {
  const run = demo({ PATH: process.env.PATH ?? "", REDIS_URL });
  run.child.stdin?.end(`${lines.join("\n")}\n`);
  const finished = await run.done;
  expect(finished.stderr).toBe("");
  expect(finished.code).toBe(0);
  return finished.stdout;
}

/** A local port with nothing listening on it. */
async function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("mfa-bot demo (the first run)", () => {
  afterAll(async () => {
    const redis = connectRedis(REDIS_URL, { blocking: true });
    const keys = await redis.keys(`${prefix}-demo:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("shows the welcome, answers a status typed on stdin, and exits 0 at the end of input", async () => {
    const run = demo({ PATH: process.env.PATH ?? "", REDIS_URL });
    run.child.stdin?.end("status adelev@contoso.com\n");
    const finished = await run.done;
    expect(finished.stderr).toBe("");
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain("mfa-bot demo");
    expect(finished.stdout).toContain("Try:");
    expect(finished.stdout).toContain("status adelev@contoso.com");
    expect(finished.stdout).toContain("Adele Vance <adelev@contoso.com>: Enabled — waiting for registration");
  });

  // Issue 9: the demo shows a user registering (Enabled → Enforced, reminders stop) and the
  // convert plan naming who the enforcing policy leaves out, then a security-defaults tenant.
  it("shows Enabled → Enforced after a sandbox sign-in, reminders stopping, and the convert plan's groups", async () => {
    const out = await typed([
      "enable alexw@contoso.com",
      "sandbox sign-in alexw@contoso.com",
      "status alexw@contoso.com",
      "remind alexw@contoso.com",
      "convert plan",
      "sandbox security-defaults on",
      "convert plan",
    ]);
    expect(out).toContain(
      "alexw@contoso.com signed in, was asked to register and registered the Authenticator app: now enforced",
    );
    expect(out).toMatch(/Alex Wilber <alexw@contoso\.com>: Enforced/);
    expect(out).toContain(
      "alexw@contoso.com is enforced: there is nothing to register for, no reminder sent.",
    );
    expect(out).toContain("Excluded by a directory role (not converted) (1): admin@contoso.com");
    expect(out).toMatch(
      /Guests or external users a guest condition may leave out \(not converted\) \(1\): kim_fabrikam\.com#ext#@contoso\.com/,
    );
    expect(out).toContain('Conditional Access policy "Require MFA for members" turned off');
    expect(out).toContain("security defaults on");
    expect(out).toMatch(
      /Security defaults only — they only prompt when necessary \(an approver must acknowledge\) \(\d+\)/,
    );
  });

  // Issue 16: a Slack user's `/mfa link` and the sign-in after it, through the demo's own
  // /auth/start and /auth/callback and the sandbox's authorize endpoint (a login_hint shortcut).
  it("links a stand-in Slack account by signing in through the sandbox, and lists it", async () => {
    const out = await typed(["sandbox link manager@contoso.com", "links", "sandbox link"]);
    expect(out).toContain(
      "Slack user U0DEMO typed /mfa link and signed in as manager@contoso.com: ✔ Linked Slack user U0DEMO (workspace T0DEMO) is now linked to manager@contoso.com",
    );
    expect(out).toContain("The policy requires a linked account of: approve.");
    expect(out).toMatch(
      /• Slack user U0DEMO \(workspace T0DEMO\) → manager@contoso\.com \(object id [0-9a-f-]{36}\)/,
    );
    expect(out).toMatch(
      /Open this one-time link in a browser[^\n]*\n {2}http:\/\/127\.0\.0\.1:\d+\/auth\/start\?ticket=[\w-]{43}/,
    );
  });

  it("says in one line that Redis is missing when nothing answers and no redis-server is installed", async () => {
    const url = `redis://127.0.0.1:${await deadPort()}`;
    const run = demo({ PATH: EMPTY_DIR, REDIS_URL: url });
    run.child.stdin?.end("status adelev@contoso.com\n");
    const finished = await run.done;
    expect(finished.code).not.toBe(0);
    expect(finished.stdout).toBe("");
    const lines = finished.stderr.split("\n").filter((l) => l.trim() !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`no Redis answers at ${url}`);
    expect(lines[0]).toMatch(/install.*redis-server|redis-server.*install/i);
  });

  it("starts a private redis-server when none answers and one is installed, and stops it on exit", async () => {
    const binary = findOnPath("redis-server") ?? "/usr/bin/redis-server";
    expect(existsSync(binary), "redis-server must be installed for this test").toBe(true);
    const url = `redis://127.0.0.1:${await deadPort()}`;
    const run = demo({ PATH: dirname(binary), REDIS_URL: url });
    run.child.stdin?.end("status adelev@contoso.com\n");
    const finished = await run.done;
    expect(finished.stderr).toBe("");
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain("private redis-server");
    expect(finished.stdout).toContain("Enabled — waiting for registration");
    const privateUrl = /Redis: (redis:\/\/127\.0\.0\.1:\d+)/.exec(finished.stdout)?.[1];
    expect(privateUrl).toBeDefined();
    expect(privateUrl).not.toBe(url);
    await until(
      async () => !(await redisAnswers(privateUrl as string, 200)),
      10_000,
      "the private Redis to stop",
    );
  });

  it("stops everything cleanly on Ctrl-C", async () => {
    const run = demo({ PATH: process.env.PATH ?? "", REDIS_URL });
    await until(() => run.output().includes("Try:"), 20_000, "the welcome");
    run.child.kill("SIGINT");
    const finished = await run.done;
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain("stopping the demo");
  });
});
