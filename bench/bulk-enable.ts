import { randomUUID } from "node:crypto";
import { ConsoleNotifier } from "../adapters/console/notifier.js";
import { parsePolicy } from "../src/config/policy.js";
import { createGraphDirectory } from "../src/directory/graph/index.js";
import { silentLogger } from "../src/log.js";
import { connectRedis, RequestQueue } from "../src/queue/queues.js";
import { startWorkerRuntime, statePrefix } from "../src/run/worker-runtime.js";
import {
  BENCH_GROUP_ID,
  generateSeed,
  SANDBOX_ACCOUNTS,
  type SandboxStatsSnapshot,
  startSandbox,
} from "../src/sandbox/index.js";
import { ThrottleRelay } from "../src/worker/throttle-relay.js";
import { ConsoleClient } from "./console-client.js";
import { MemorySampler } from "./memory.js";

/**
 * `npm run bench` — a 1,000-user bulk enable from approval to summary, through the real
 * worker and Graph client, against the sandbox tenant at 20 ms latency and 200 requests/s.
 * Graph's limit is the floor: the bulk passes when it takes at most 1.1× the time that
 * limit allows for the requests it needed, with no failures and flat worker memory.
 */

const USERS = Number(process.env.BENCH_USERS ?? 1000);
const RATE = 200;
const LATENCY_MS = 20;
const TARGET = 1.1;
const MAX_HEAP_GROWTH_MB = 50;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const ADMIN = SANDBOX_ACCOUNTS.admin.userPrincipalName;
const MANAGER = SANDBOX_ACCOUNTS.manager.userPrincipalName;

async function main(): Promise<number> {
  const sandbox = await startSandbox({
    seed: generateSeed({ users: USERS }),
    latencyMs: LATENCY_MS,
    rateLimit: RATE,
  });
  const throttle = new ThrottleRelay();
  const directory = createGraphDirectory({
    graphBaseUrl: sandbox.url,
    authorityHost: sandbox.url,
    tenantId: "sandbox",
    clientId: "sandbox",
    clientSecret: "sandbox",
    requestsPerSecond: RATE,
    onThrottle: throttle.onThrottle,
  });
  const prefix = `bench-bulk-${randomUUID().slice(0, 8)}`;
  const policy = parsePolicy(
    {
      roles: { helpdesk: [], admin: [ADMIN], approver: [MANAGER] },
      requireApproval: ["bulk"],
      maxBulk: Math.max(USERS, 1),
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
    throttle,
    notifiers: (state, p) => ({ console: new ConsoleNotifier(state, p) }),
  });
  const queue = new RequestQueue({ redisUrl: REDIS_URL, prefix });
  const reader = connectRedis(REDIS_URL, { blocking: true });
  const client = new ConsoleClient(queue, reader, statePrefix(prefix));
  try {
    const beforePreview = sandbox.stats.snapshot();
    const previewStarted = performance.now();
    await client.send(ADMIN, `bulk enable group:${BENCH_GROUP_ID} --reason "benchmark"`);
    const card = await client.waitFor((m) => m.outcome.kind === "approval", 120_000);
    if (card.outcome.kind !== "approval") throw new Error("no approval card");
    const approvalId = card.outcome.approval.id;
    const toChange = card.outcome.approval.counts.change;
    const preview = {
      seconds: (performance.now() - previewStarted) / 1000,
      delta: diff(beforePreview, sandbox.stats.snapshot()),
    };

    const memory = new MemorySampler();
    const before = sandbox.stats.snapshot();
    const started = performance.now();
    await client.send(MANAGER, `approve ${approvalId}`);
    const summary = await client.waitFor((m) => m.outcome.kind === "summary", 600_000);
    const seconds = (performance.now() - started) / 1000;
    const after = sandbox.stats.snapshot();
    const heap = memory.stop();
    if (summary.outcome.kind !== "summary") throw new Error("no summary");

    return report({
      preview,
      toChange,
      seconds,
      delta: diff(before, after),
      changed: summary.outcome.changed.length,
      failed: summary.outcome.failed.length,
      heap,
    });
  } finally {
    await runtime.close();
    await queue.queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    const keys = await reader.keys(`${prefix}:*`);
    if (keys.length) await reader.del(...keys);
    reader.disconnect();
    await sandbox.close();
  }
}

interface Delta {
  graphOperations: number;
  throttled: number;
  faults: number;
  httpRequests: number;
  byRoute: Record<string, number>;
}

function diff(a: SandboxStatsSnapshot, b: SandboxStatsSnapshot): Delta {
  const byRoute: Record<string, number> = {};
  for (const [route, n] of Object.entries(b.byRoute)) {
    const d = n - (a.byRoute[route] ?? 0);
    if (d > 0) byRoute[route] = d;
  }
  return {
    graphOperations: b.graphOperations - a.graphOperations,
    throttled: b.throttled - a.throttled,
    faults: b.faults - a.faults,
    httpRequests: b.httpRequests - a.httpRequests,
    byRoute,
  };
}

function report(r: {
  preview: { seconds: number; delta: Delta };
  toChange: number;
  seconds: number;
  delta: Delta;
  changed: number;
  failed: number;
  heap: ReturnType<MemorySampler["stop"]>;
}): number {
  // Requests Graph answered: the ones it throttled bought nothing and are reported apart.
  const needed = r.delta.graphOperations - r.delta.throttled - r.delta.faults;
  const floor = needed / RATE;
  const ratio = r.seconds / floor;
  const growthMb = (r.heap.endBytes - r.heap.startBytes) / 2 ** 20;
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  const perUser = (n: number) => (r.toChange ? (n / r.toChange).toFixed(2) : "-");
  const checks = [
    { what: `time ≤ ${TARGET}× the floor`, ok: ratio <= TARGET },
    { what: "no failed users", ok: r.failed === 0 && r.changed === r.toChange },
    { what: `heap growth ≤ ${MAX_HEAP_GROWTH_MB} MB`, ok: growthMb <= MAX_HEAP_GROWTH_MB },
  ];
  const previewNeeded = r.preview.delta.graphOperations - r.preview.delta.throttled - r.preview.delta.faults;
  const rows: Array<[string, string]> = [
    ["preview: request → approval card", `${r.preview.seconds.toFixed(2)} s (not in the timed part)`],
    ["  Graph requests (answered)", `${previewNeeded} (${perUser(previewNeeded)} per user)`],
    ["  throttled (429) / faults", `${r.preview.delta.throttled} / ${r.preview.delta.faults}`],
    ...routes(r.preview.delta, perUser),
    ["users to change", String(r.toChange)],
    ["changed / failed", `${r.changed} / ${r.failed}`],
    ["approval → summary", `${r.seconds.toFixed(2)} s`],
    ["Graph requests (answered)", `${needed} (${perUser(needed)} per user)`],
    ["  throttled (429) / faults", `${r.delta.throttled} / ${r.delta.faults}`],
    ["  HTTP requests ($batch = 1)", String(r.delta.httpRequests)],
    ...routes(r.delta, perUser),
    [`floor = requests / ${RATE} per s`, `${floor.toFixed(2)} s`],
    ["time / floor", `${ratio.toFixed(3)} (target ≤ ${TARGET})`],
    [
      "heap start / peak / end",
      `${mb(r.heap.startBytes)} / ${mb(r.heap.peakBytes)} / ${mb(r.heap.endBytes)} (${r.heap.samples} samples${r.heap.gc ? ", after GC" : ""})`,
    ],
    ...checks.map((c): [string, string] => [c.what, c.ok ? "pass" : "FAIL"]),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(
    `\nbulk enable: ${USERS} users, sandbox ${LATENCY_MS} ms latency, limit ${RATE} requests/s, client budget ${RATE}/s\n`,
  );
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
  return checks.every((c) => c.ok) ? 0 : 1;
}

function routes(delta: Delta, perUser: (n: number) => string): Array<[string, string]> {
  return Object.entries(delta.byRoute).map(([route, n]) => [`  ${route}`, `${n} (${perUser(n)} per user)`]);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bulk-enable benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
