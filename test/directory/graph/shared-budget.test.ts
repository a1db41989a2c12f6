import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { connectRedis } from "../../../src/queue/queues.js";
import { generateSeed, type SandboxHandle, startSandbox } from "../../../src/sandbox/index.js";

/**
 * Two worker processes, one Graph budget: each runs writes, reads, registration reports and
 * Conditional Access reads at once against a sandbox that throttles each route class as
 * Microsoft documents (scaled ×0.05). Alone, each process's budget would allow the whole
 * write burst, so two of them would be throttled; sharing the buckets in Redis, neither is.
 */

const CHILD = fileURLToPath(new URL("./fixtures/budget-child.mjs", import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SCALE = 0.05;
const redis = connectRedis(REDIS_URL, { blocking: false });
let sandbox: SandboxHandle | undefined;

afterAll(async () => {
  await sandbox?.close();
  redis.disconnect();
});

function runChild(env: Record<string, string>): Promise<{ failed: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.on("exit", (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}"));
      else reject(new Error(`budget child exited ${code}: ${err}`));
    });
  });
}

describe("one Graph budget per route class, shared by two worker processes", () => {
  it("keeps both processes within every class's documented limit: no 429 anywhere", async () => {
    const seed = generateSeed({ users: 200 });
    sandbox = await startSandbox({ seed, limits: "documented", limitScale: SCALE });
    const prefix = `test-budget-${randomUUID().slice(0, 8)}`;
    const ids = seed.users.map((u) => u.id);
    const share = (from: number) => ({
      REDIS_URL,
      SANDBOX_URL: sandbox!.url,
      BUDGET_PREFIX: prefix,
      LIMIT_SCALE: String(SCALE),
      WRITE_IDS: JSON.stringify(ids.slice(from, from + 80)),
      READ_IDS: JSON.stringify(ids.slice(0, 100)),
    });
    try {
      const [a, b] = await Promise.all([runChild(share(0)), runChild(share(80))]);
      expect(a.failed).toEqual([]);
      expect(b.failed).toEqual([]);
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
    const stats = sandbox.stats.snapshot();
    // 160 writes: more than the scaled bucket of 150, so the two had to share it.
    expect(stats.byRoute["PATCH /beta/users/{id}/authentication/requirements"]).toBe(160);
    expect(stats.byRoute["GET /v1.0/identity/conditionalAccess/policies"]).toBe(4);
    expect(stats.byRoute["GET /beta/users/{id}/authentication/requirements"]).toBeGreaterThanOrEqual(560);
    expect(stats.throttledByLimit).toEqual({});
    expect(stats.throttled).toBe(0);
    for (const id of ids.slice(0, 160)) expect(sandbox.tenant.user(id)?.perUserMfaState).toBe("enabled");
  }, 60_000);
});
