import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { consoleEntrySchema, consoleStreamKey } from "../../adapters/console/stream.js";
import { buildJob } from "../../src/queue/from-command.js";
import { connectRedis, RequestQueue } from "../../src/queue/queues.js";
import { statePrefix } from "../../src/run/worker-runtime.js";
import { SANDBOX_ACCOUNTS, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/default-seed.js";
import { type SandboxHandle, startSandbox } from "../../src/sandbox/index.js";
import { REDIS_URL } from "../helpers/worker-harness.js";
import { collect, spawnCli, until } from "./run-cli.js";

describe("mfa-bot worker (the process)", () => {
  let sandbox: SandboxHandle | undefined;
  const prefix = `test-${randomUUID().slice(0, 8)}`;
  const redis = connectRedis(REDIS_URL, { blocking: false });
  const queue = new RequestQueue({ redisUrl: REDIS_URL, prefix });

  afterEach(async () => {
    await queue.queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await sandbox?.close();
  });

  it("answers a status through Graph, and on SIGTERM finishes the job in hand and exits 0", async () => {
    // Slow Graph, so that SIGTERM lands while the job is running.
    sandbox = await startSandbox({ latencyMs: 300 });
    const dir = mkdtempSync(join(tmpdir(), "mfa-bot-worker-"));
    const policy = join(dir, "policy.json");
    writeFileSync(
      policy,
      JSON.stringify({ roles: { helpdesk: [SANDBOX_ACCOUNTS.helpdesk.userPrincipalName] } }),
    );
    const child = spawnCli(["worker"], {
      REDIS_URL,
      MFA_BOT_QUEUE_PREFIX: prefix,
      MFA_BOT_POLICY: policy,
      GRAPH_BASE_URL: sandbox.url,
      AZURE_AUTHORITY_HOST: sandbox.url,
      AZURE_TENANT_ID: "sandbox",
      AZURE_CLIENT_ID: "sandbox",
      AZURE_CLIENT_SECRET: "sandbox",
      LOG_LEVEL: "info",
    });
    const run = collect(child);
    await until(() => run.stderr().includes("worker started"), 15_000, "the worker to start").catch((err) => {
      throw new Error(`${err.message}; stderr: ${run.stderr()} stdout: ${run.stdout()}`);
    });

    const session = randomUUID();
    const requestId = randomUUID();
    const upn = SANDBOX_SAMPLE_USERS.enabledUnregistered.userPrincipalName;
    const built = await buildJob(
      { verb: "status", target: { kind: "upn", upn } },
      { platform: "console", chatUserId: session, upn: SANDBOX_ACCOUNTS.helpdesk.userPrincipalName },
      { platform: "console", conversation: session, user: "helpdesk", extra: { requestId } },
      async () => [],
      requestId,
    );
    if (!built.ok) throw new Error(built.error);
    await queue.enqueue(built.job);
    await until(
      () => sandbox !== undefined && sandbox.stats.snapshot().graphOperations > 0,
      15_000,
      "the job to reach Graph",
    );
    child.kill("SIGTERM");

    const finished = await run.done;
    expect(finished.code).toBe(0);
    const entries = await redis.xrange(consoleStreamKey(statePrefix(prefix), session), "-", "+");
    expect(entries).toHaveLength(1);
    const fields = entries[0]?.[1] ?? [];
    const record: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
    const entry = consoleEntrySchema.parse(record);
    expect(JSON.parse(entry.outcome)).toMatchObject({ kind: "status", state: "enabled", user: { upn } });
    // Logs are JSON lines without the client secret.
    expect(finished.stderr).not.toContain('access_token":"');
    expect(finished.stderr).toMatch(/draining/);
  });
});
