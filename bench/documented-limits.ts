import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { connectRedis, RequestQueue } from "../src/queue/queues.js";
import { statePrefix } from "../src/run/worker-runtime.js";
import {
  BENCH_DOMAIN,
  BENCH_GROUP_ID,
  generateSeed,
  SANDBOX_ACCOUNTS,
  type SandboxStatsSnapshot,
  scaleLimit,
  startSandbox,
} from "../src/sandbox/index.js";
import { ConsoleClient } from "./console-client.js";

/**
 * `npm run bench` — the bot against a sandbox that throttles each route class as Microsoft
 * Graph documents (`--limits documented`, scaled ×0.1: writes 300 per 15 s, the same 20/s as
 * 3,000 per 150 s), through a real `mfa-bot worker` process (its Graph budget in Redis):
 *
 * 1. a 1,000-user bulk enable: preview time (target ≤ 15 s), approval → summary as a ratio of
 *    the write-window floor (target ≤ 1.1), Graph requests per user by route, 429s per class,
 *    extra PATCHes per user (target ≤ 1), a status answered during the apply (target < 2 s);
 * 2. 1,500 status commands at 100/s: all answered (target ≤ 30 s);
 * 3. a 10,000-user bulk (BENCH_BIG_USERS): the worker's peak RSS (target < 250 MB, flat) — idle,
 *    during the preview and during the apply — and a status answered during it;
 * 4. `report` over 50,000 users (BENCH_REPORT_USERS): time as a share of what the reports
 *    limit allows, and the worker's peak RSS.
 * Figures are printed, not asserted in tests; the exit code says whether the targets held.
 * Setting a part's count to 0 skips it: `BENCH_DOC_USERS=0 BENCH_REPORT_USERS=0` runs the
 * 10,000-user bulk alone.
 */

const SCALE = 0.1;
const LATENCY_MS = 20;
const BULK_USERS = Number(process.env.BENCH_DOC_USERS ?? 1_000);
const STATUS_BURST = Number(process.env.BENCH_STATUS_BURST ?? 1_500);
const BIG_USERS = Number(process.env.BENCH_BIG_USERS ?? 10_000);
const REPORT_USERS = Number(process.env.BENCH_REPORT_USERS ?? 50_000);
const WORKER_CONCURRENCY = 16;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const ADMIN = SANDBOX_ACCOUNTS.admin.userPrincipalName;
const MANAGER = SANDBOX_ACCOUNTS.manager.userPrincipalName;
const HELPDESK = SANDBOX_ACCOUNTS.helpdesk.userPrincipalName;
const BIN = fileURLToPath(new URL("../../bin/mfa-bot.js", import.meta.url));
// The documented numbers at this scale (documented-limits.ts cites the page).
const WRITES = scaleLimit({ count: 3_000, windowMs: 150_000 }, SCALE);
const REPORTS = scaleLimit({ count: 5, windowMs: 10_000 }, SCALE);

type Row = [string, string];
const checks: Array<{ what: string; ok: boolean }> = [];

function check(what: string, ok: boolean): string {
  checks.push({ what, ok });
  return ok ? "pass" : "FAIL";
}

/** A `mfa-bot worker` process on the sandbox, and its resident memory sampled. */
class WorkerProcess {
  readonly child: ChildProcess;
  private readonly timer: NodeJS.Timeout;
  readonly rss: number[] = [];
  /** Sample index where each named phase starts (see `mark`). */
  private readonly marks: Array<{ phase: string; at: number }> = [];

  constructor(sandboxUrl: string, prefix: string, policyPath: string, readUnits: number) {
    this.child = spawn(process.execPath, [BIN, "worker"], {
      env: {
        PATH: process.env.PATH ?? "",
        REDIS_URL,
        GRAPH_BASE_URL: sandboxUrl,
        AZURE_AUTHORITY_HOST: sandboxUrl,
        AZURE_TENANT_ID: "sandbox",
        AZURE_CLIENT_ID: "sandbox",
        AZURE_CLIENT_SECRET: "sandbox",
        MFA_BOT_POLICY: policyPath,
        MFA_BOT_QUEUE_PREFIX: prefix,
        MFA_BOT_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
        MFA_BOT_GRAPH_LIMIT_SCALE: String(SCALE),
        MFA_BOT_GRAPH_READ_UNITS: String(readUnits),
        LOG_LEVEL: "warn",
        // To compare a V8 heap setting (README, "Memory"): BENCH_WORKER_NODE_OPTIONS=….
        ...(process.env.BENCH_WORKER_NODE_OPTIONS
          ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS }
          : {}),
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    this.timer = setInterval(() => this.sample(), 200);
  }

  private sample(): void {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
      if (kb > 0) this.rss.push(kb * 1024);
    } catch {
      // Not Linux, or the process is gone: no sample.
    }
  }

  /** From now on, samples belong to `phase` (phases: the peak of each, see `phases`). */
  mark(phase: string): void {
    this.sample();
    this.marks.push({ phase, at: this.rss.length });
  }

  /** The peak RSS of each marked phase; before the first mark is "idle". */
  phases(): Array<{ phase: string; peak: number }> {
    const bounds = [{ phase: "idle", at: 0 }, ...this.marks];
    return bounds.map((b, i) => ({
      phase: b.phase,
      peak: this.rss.slice(b.at, bounds[i + 1]?.at ?? this.rss.length).reduce((a, x) => Math.max(a, x), 0),
    }));
  }

  /** Peak RSS, and the peaks of the first and second half of the samples (flat: close). */
  memory(): { peak: number; firstHalf: number; secondHalf: number; samples: number } {
    const half = Math.floor(this.rss.length / 2);
    const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);
    return {
      peak: max(this.rss),
      firstHalf: max(this.rss.slice(0, half)),
      secondHalf: max(this.rss.slice(half)),
      samples: this.rss.length,
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }
}

/** A sandbox in documented-limits mode, a worker process on it, and a console session. */
async function scene(users: number) {
  const sandbox = await startSandbox({
    seed: generateSeed({ users }),
    latencyMs: LATENCY_MS,
    limits: "documented",
    limitScale: SCALE,
  });
  const prefix = `bench-doc-${randomUUID().slice(0, 8)}`;
  const policyPath = join(tmpdir(), `${prefix}-policy.json`);
  writeFileSync(
    policyPath,
    JSON.stringify({
      roles: { helpdesk: [HELPDESK], admin: [ADMIN], approver: [MANAGER] },
      requireApproval: ["bulk"],
      maxBulk: Math.max(users, 1),
    }),
  );
  const tenantUsers = sandbox.tenant.allUsers().length;
  const readUnits = tenantUsers < 50 ? 3_500 : tenantUsers <= 500 ? 5_000 : 8_000;
  const worker = new WorkerProcess(sandbox.url, prefix, policyPath, readUnits);
  const queue = new RequestQueue({ redisUrl: REDIS_URL, prefix });
  const reader: Redis = connectRedis(REDIS_URL, { blocking: true });
  const client = new ConsoleClient(queue, reader, statePrefix(prefix));
  for (let i = 0; (await queue.queue.getWorkers()).length === 0; i++) {
    if (i > 300) throw new Error("the worker process did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    sandbox,
    worker,
    client,
    async close() {
      await worker.stop();
      await queue.queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      const keys = await reader.keys(`${prefix}:*`);
      if (keys.length) await reader.del(...keys);
      reader.disconnect();
      rmSync(policyPath, { force: true });
      await sandbox.close();
    },
  };
}

type Scene = Awaited<ReturnType<typeof scene>>;

function diff(a: SandboxStatsSnapshot, b: SandboxStatsSnapshot) {
  const byRoute: Record<string, number> = {};
  for (const [route, n] of Object.entries(b.byRoute)) {
    const d = n - (a.byRoute[route] ?? 0);
    if (d > 0) byRoute[route] = d;
  }
  const throttled: Record<string, number> = {};
  for (const [limit, n] of Object.entries(b.throttledByLimit)) {
    const d = n - (a.throttledByLimit[limit] ?? 0);
    if (d > 0) throttled[limit] = d;
  }
  return { byRoute, throttled, graphOperations: b.graphOperations - a.graphOperations };
}

const PATCH = "PATCH /beta/users/{id}/authentication/requirements";
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Time for a `status` asked now to be answered. */
async function statusTime(s: Scene, upn: string): Promise<number> {
  const started = performance.now();
  const id = await s.client.send(HELPDESK, `status ${upn}`);
  await s.client.waitFor((m) => m.requestId === id && m.outcome.kind === "status", 120_000);
  return performance.now() - started;
}

/** A bulk enable of the bench group: preview, approval, apply; a status asked during the apply. */
async function bulk(s: Scene, users: number, rows: Row[], label: string): Promise<void> {
  const beforePreview = s.sandbox.stats.snapshot();
  const previewStarted = performance.now();
  s.worker.mark("preview");
  await s.client.send(ADMIN, `bulk enable group:${BENCH_GROUP_ID} --reason "benchmark"`);
  const card = await s.client.waitFor((m) => m.outcome.kind === "approval", 600_000);
  if (card.outcome.kind !== "approval") throw new Error("no approval card");
  const previewMs = performance.now() - previewStarted;
  const preview = diff(beforePreview, s.sandbox.stats.snapshot());
  const toChange = card.outcome.approval.counts.change;

  const before = s.sandbox.stats.snapshot();
  const started = performance.now();
  s.worker.mark("apply");
  await s.client.send(MANAGER, `approve ${card.outcome.approval.id}`);
  await new Promise((r) => setTimeout(r, 3_000));
  const statusMs = await statusTime(
    s,
    `user${String(users).padStart(Math.max(4, String(users).length), "0")}@${BENCH_DOMAIN}`,
  );
  const summary = await s.client.waitFor((m) => m.outcome.kind === "summary", 3_600_000);
  const applyMs = performance.now() - started;
  if (summary.outcome.kind !== "summary") throw new Error("no summary");
  const apply = diff(before, s.sandbox.stats.snapshot());

  // The write window: a rested bucket takes WRITES.count at once, then 20 a second.
  const writeRate = WRITES.count / WRITES.windowMs;
  const floorMs = Math.max(0, toChange - WRITES.count) / writeRate;
  const ratio = floorMs > 0 ? applyMs / floorMs : Number.NaN;
  const perUser = (n: number) => (toChange ? (n / toChange).toFixed(2) : "-");
  const extraPatches = toChange ? ((apply.byRoute[PATCH] ?? 0) - toChange) / toChange : 0;
  const failed = summary.outcome.failed.length;
  rows.push(
    [`${label}: users to change`, String(toChange)],
    [
      "  preview: command → approval card",
      `${secs(previewMs)} ${users === BULK_USERS ? check("preview ≤ 15 s", previewMs <= 15_000) : "(target for 1,000 users only)"}`,
    ],
    ...Object.entries(preview.byRoute).map(([r, n]): Row => [`    ${r}`, `${n} (${perUser(n)} per user)`]),
    ["    429s by class", JSON.stringify(preview.throttled)],
    ["  approval → summary", secs(applyMs)],
    [`  write-window floor ((users − ${WRITES.count}) / 20 per s)`, secs(floorMs)],
    [
      "  time / floor",
      Number.isNaN(ratio)
        ? "n/a (fits in one burst)"
        : `${ratio.toFixed(3)} ${check(`${label}: approval → summary ≤ 1.1× the write floor`, ratio <= 1.1)}`,
    ],
    [
      "  changed / failed",
      `${summary.outcome.changed.length} / ${failed} ${check(`${label}: no failures`, failed === 0)}`,
    ],
    [
      "  extra PATCHes per user",
      `${extraPatches.toFixed(3)} ${check(`${label}: ≤ 1 extra PATCH per user`, extraPatches <= 1)}`,
    ],
    ...Object.entries(apply.byRoute).map(([r, n]): Row => [`    ${r}`, `${n} (${perUser(n)} per user)`]),
    ["    429s by class", JSON.stringify(apply.throttled)],
    [
      "  a status during the apply",
      `${secs(statusMs)} ${check(`${label}: status during a bulk < 2 s`, statusMs < 2_000)}`,
    ],
  );
}

async function statusBurst(s: Scene, rows: Row[]): Promise<void> {
  const started = performance.now();
  const ids = new Set<string>();
  for (let i = 0; i < STATUS_BURST; i++) {
    const n = String((i % BULK_USERS) + 1).padStart(4, "0");
    ids.add(await s.client.send(HELPDESK, `status user${n}@${BENCH_DOMAIN}`));
    const due = started + ((i + 1) * 1000) / 100;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const deadline = started + 120_000;
  let answered = 0;
  while (performance.now() < deadline) {
    answered = s.client.received.filter((m) => m.requestId && ids.has(m.requestId)).length;
    if (answered >= ids.size) break;
    await s.client.waitFor(() => false, 200).catch(() => {});
  }
  const ms = performance.now() - started;
  rows.push([
    `${STATUS_BURST} statuses at 100/s: all answered after`,
    `${secs(ms)} (${answered}/${ids.size}) ${check("status burst answered ≤ 30 s", answered === ids.size && ms <= 30_000)}`,
  ]);
}

async function report(s: Scene, users: number, rows: Row[]): Promise<void> {
  const before = s.sandbox.stats.snapshot();
  const started = performance.now();
  const id = await s.client.send(HELPDESK, "report");
  const answer = await s.client.waitFor((m) => m.requestId === id, 3_600_000);
  const ms = performance.now() - started;
  if (answer.outcome.kind !== "report") throw new Error(`report answered ${answer.outcome.kind}`);
  const stats = diff(before, s.sandbox.stats.snapshot());
  const pages = stats.byRoute["GET /v1.0/reports/authenticationMethods/userRegistrationDetails"] ?? 0;
  // The reports limit: a rested bucket of REPORTS.count, then one request per interval.
  const floorMs = Math.max(0, pages - REPORTS.count) * (REPORTS.windowMs / REPORTS.count);
  const share = floorMs / ms;
  const memory = s.worker.memory();
  rows.push(
    [`report over ${users} users: answered after`, `${secs(ms)} (${answer.outcome.total} users)`],
    ["  report requests (999 users a page)", String(pages)],
    ["  reports-limit floor", secs(floorMs)],
    [
      "  share of what the reports limit allows",
      `${share.toFixed(3)} ${check("report ≥ 0.9 of the reports limit", share >= 0.9)}`,
    ],
    ["  429s by class", JSON.stringify(stats.throttled)],
    ["  worker peak RSS", mb(memory.peak)],
  );
}

async function main(): Promise<number> {
  const rows: Row[] = [];
  let s: Scene;
  if (BULK_USERS > 0) {
    s = await scene(BULK_USERS);
    try {
      await bulk(s, BULK_USERS, rows, `${BULK_USERS}-user bulk`);
      await statusBurst(s, rows);
    } finally {
      await s.close();
    }
  }
  if (BIG_USERS > 0) {
    s = await scene(BIG_USERS);
    try {
      await bulk(s, BIG_USERS, rows, `${BIG_USERS}-user bulk`);
      const m = s.worker.memory();
      rows.push([
        "  worker RSS peak (first half / second half)",
        `${mb(m.peak)} (${mb(m.firstHalf)} / ${mb(m.secondHalf)}, ${m.samples} samples) ${check("worker RSS < 250 MB", m.peak < 250 * 2 ** 20)}`,
      ]);
      rows.push([
        "  worker RSS peak by phase",
        s.worker
          .phases()
          .map((p) => `${p.phase} ${mb(p.peak)}`)
          .join(", "),
      ]);
    } finally {
      await s.close();
    }
  }
  if (REPORT_USERS > 0) {
    s = await scene(REPORT_USERS);
    try {
      await report(s, REPORT_USERS, rows);
    } finally {
      await s.close();
    }
  }
  process.stdout.write(
    `\nGraph's documented limits ×${SCALE} (writes ${WRITES.count} per ${WRITES.windowMs / 1000} s, reports ${REPORTS.count} per ${REPORTS.windowMs / 1000} s), sandbox latency ${LATENCY_MS} ms, one worker process (concurrency ${WORKER_CONCURRENCY})\n`,
  );
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
  return checks.every((c) => c.ok) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `documented-limits benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
