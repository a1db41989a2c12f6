import { randomUUID } from "node:crypto";
import { ConsoleNotifier } from "../adapters/console/notifier.js";
import { parsePolicy } from "../src/config/policy.js";
import { createGraphDirectory } from "../src/directory/graph/index.js";
import { silentLogger } from "../src/log.js";
import { connectRedis } from "../src/queue/queues.js";
import { startWorkerRuntime } from "../src/run/worker-runtime.js";
import { BENCH_GROUP_ID, generateSeed, SANDBOX_ACCOUNTS, startSandbox } from "../src/sandbox/index.js";
import { sliceSize, sweepDrift } from "../src/worker/drift-sweep.js";

/**
 * `npm run bench` — the cost of one drift sweep over 50,000 users the bot has changed, through
 * the real Graph client against the sandbox tenant at 20 ms latency and 200 requests/s. Three
 * users are changed in the "admin center" (the directory audit log names them) before the sweep.
 * Passes when the sweep alerts those three, reads no more than the audit log, the users it names
 * and one slice (sliceSize: every user once a day at hourly sweeps), and takes at most 1.2× the
 * time Graph's rate allows for the requests it made (the floor). Printed beside it: the share of
 * a full re-read of every user that one sweep costs.
 */

const USERS = Number(process.env.BENCH_DRIFT_USERS ?? 50_000);
const EVERY_MINUTES = 60;
const RATE = 200;
const LATENCY_MS = 20;
// Looser than the bulk's 1.1: a sweep is ~2,000 reads, so its fixed costs (the token, the audit
// log page read before the slice, the client's 3 % budget headroom) weigh more than in a bulk.
const TARGET = 1.2;
const CHANGED = 3;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const ADMIN = SANDBOX_ACCOUNTS.admin.userPrincipalName;
const MANAGER = SANDBOX_ACCOUNTS.manager.userPrincipalName;

async function main(): Promise<number> {
  const sandbox = await startSandbox({
    seed: generateSeed({ users: USERS }),
    latencyMs: LATENCY_MS,
    rateLimit: RATE,
  });
  const directory = createGraphDirectory({
    graphBaseUrl: sandbox.url,
    authorityHost: sandbox.url,
    tenantId: "sandbox",
    clientId: "sandbox",
    clientSecret: "sandbox",
    requestsPerSecond: RATE,
  });
  const prefix = `bench-drift-${randomUUID().slice(0, 8)}`;
  const policy = parsePolicy(
    {
      roles: { admin: [ADMIN], approver: [MANAGER] },
      driftSweep: { everyMinutes: EVERY_MINUTES },
      alerts: { slackChannel: "C0BENCH" },
    },
    "(bench policy)",
  );
  const runtime = startWorkerRuntime({
    redisUrl: REDIS_URL,
    prefix,
    concurrency: 4,
    directory,
    policy,
    logger: silentLogger,
    // The alerts to "Slack" land in the console mailbox: the bench counts them delivered.
    notifiers: (state, p) => ({
      console: new ConsoleNotifier(state, p),
      slack: new ConsoleNotifier(state, p),
    }),
  });
  const cleanup = connectRedis(REDIS_URL, { blocking: false });
  try {
    const users = sandbox.tenant.transitiveUserMembers(BENCH_GROUP_ID) ?? [];
    const at = new Date().toISOString();
    await runtime.deps.drift.record(
      users.map((u) => ({
        userId: u.id,
        upn: u.userPrincipalName,
        state: u.perUserMfaState,
        operationId: "bench000",
        at,
      })),
    );
    for (let i = 0; i < CHANGED; i++) {
      sandbox.tenant.changeMfaStateAsAdmin(
        users[Math.floor(((i + 0.5) * users.length) / CHANGED)]!.id,
        "enabled",
        MANAGER,
      );
    }
    const before = sandbox.stats.snapshot();
    const started = performance.now();
    const result = await sweepDrift(runtime.deps);
    const seconds = (performance.now() - started) / 1000;
    const after = sandbox.stats.snapshot();
    const operations = after.graphOperations - before.graphOperations - (after.throttled - before.throttled);
    const slice = sliceSize(users.length, EVERY_MINUTES);
    // One audit page per 100 entries (the sandbox's default page) at most, plus the reads.
    const budget = slice * 1.2 + CHANGED + Math.ceil(CHANGED / 100) + 1;
    const floor = operations / RATE;
    const ratio = seconds / floor;
    const checks = [
      { what: `alerts the ${CHANGED} changed users`, ok: result.alerted === CHANGED },
      { what: `reads at most one slice (${slice}) + the named users`, ok: operations <= budget },
      { what: `time ≤ ${TARGET}× the floor`, ok: ratio <= TARGET },
    ];
    const rows: Array<[string, string]> = [
      ["users the bot changed", String(users.length)],
      ["Graph operations, one sweep", String(operations)],
      ["of a full re-read", `${((operations / users.length) * 100).toFixed(1)}% (${users.length} reads)`],
      ["sweep time", `${seconds.toFixed(2)} s`],
      [`floor = operations / ${RATE} per s`, `${floor.toFixed(2)} s`],
      ["time / floor", `${ratio.toFixed(3)} (target ≤ ${TARGET})`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
    for (const c of checks) process.stdout.write(`  ${c.ok ? "pass" : "FAIL"}  ${c.what}\n`);
    return checks.every((c) => c.ok) ? 0 : 1;
  } finally {
    await runtime.close();
    const keys = await cleanup.keys(`${prefix}:*`);
    if (keys.length) await cleanup.del(...keys);
    cleanup.disconnect();
    await sandbox.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`drift sweep benchmark failed: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
