/**
 * How much the Slack adapter adds to acknowledging `/mfa status`: the same signed requests
 * (100 a second for BENCH_SECONDS, default 30) against a bare Bolt app that only acks and
 * against the real adapter (parse, ack, then resolve + enqueue on a real BullMQ queue). Each
 * server runs in its own child process and they take turns; the load comes from this one.
 * Fails (exit 1) when the adapter's p99 is over 1.5× the bare app's or over 100 ms.
 *
 *   npm run build && BENCH_SECONDS=30 node dist/bench/slack-ack.js
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { App, HTTPReceiver } from "@slack/bolt";
import { createSlackAdapter } from "../adapters/slack/app.js";
import { HttpServer } from "../src/http/server.js";
import { silentLogger } from "../src/log.js";
import { connectRedis, RequestQueue } from "../src/queue/queues.js";
import { FakeSlack } from "../test/helpers/fake-slack.js";
import { signedHeaders, slashCommandBody } from "../test/helpers/slack-sign.js";

const SIGNING_SECRET = "bench-signing-secret";
const RATE = 100;
const WARMUP_SECONDS = 2;
// Whole seconds: autocannon's rate is a quota per second, so a partial second would add a burst.
const ROUND_SECONDS = 3;
const MAX_RATIO = 1.5;
const MAX_P99_MS = 100;

type ServerKind = "bare" | "adapter";

interface Ready {
  port: number;
  responseUrl: string;
}

interface AutocannonResult {
  latency: { p50: number; p99: number };
  requests: { total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}

type Autocannon = (options: Record<string, unknown>) => AutocannonInstance;

// autocannon ships no types; this is the part of its API used here.
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

export interface Measurement {
  kind: ServerKind;
  p50: number;
  p99: number;
  requests: number;
  failed: number;
  queued?: number;
}

/** Runs both servers, prints the comparison, and returns the process exit code. */
export async function main(): Promise<number> {
  const seconds = Number(process.env.BENCH_SECONDS ?? "30");
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("BENCH_SECONDS must be a positive number");
  const [bare, adapter] = await measureBoth(seconds);
  const ratio = adapter.p99 / bare.p99;
  const fmt = (n: number) => n.toFixed(2).padStart(8);
  const { rounds, roundSeconds } = roundsFor(seconds);
  console.log(
    `\nSlack ack latency, signed /mfa status, ${RATE} req/s, ${rounds} turns of ${roundSeconds} s each (ms)`,
  );
  console.log("               p50       p99  requests  failed");
  for (const m of [bare, adapter]) {
    console.log(
      `${m.kind.padEnd(10)}${fmt(m.p50)}  ${fmt(m.p99)}  ${String(m.requests).padStart(8)}  ${String(m.failed).padStart(6)}`,
    );
  }
  console.log(
    `p99 ratio adapter/bare: ${ratio.toFixed(2)} (limit ${MAX_RATIO}); adapter p99 limit ${MAX_P99_MS} ms`,
  );
  if (adapter.queued !== undefined) console.log(`jobs queued by the adapter: ${adapter.queued}`);
  const problems: string[] = [];
  if (ratio > MAX_RATIO) problems.push(`adapter p99 is ${ratio.toFixed(2)}× the bare app's`);
  if (adapter.p99 > MAX_P99_MS) problems.push(`adapter p99 is ${adapter.p99.toFixed(1)} ms`);
  if (bare.failed > 0 || adapter.failed > 0) problems.push("some requests failed");
  if (adapter.queued !== undefined && adapter.queued < adapter.requests) {
    problems.push(`only ${adapter.queued} of ${adapter.requests} acknowledged commands were queued`);
  }
  for (const p of problems) console.log(`FAIL: ${p}`);
  if (problems.length === 0) console.log("PASS");
  return problems.length === 0 ? 0 : 1;
}

function roundsFor(seconds: number): { rounds: number; roundSeconds: number } {
  const rounds = Math.max(2, Math.round(seconds / ROUND_SECONDS));
  return { rounds, roundSeconds: Math.max(1, Math.round(seconds / rounds)) };
}

interface Target {
  kind: ServerKind;
  child: ChildProcess;
  url: string;
  responseUrl: string;
  latencies: number[];
  warmed: number;
  failed: number;
}

/**
 * Both servers run side by side and take turns in rounds of a few seconds, so that
 * whatever else the machine is doing weighs on both alike.
 */
async function measureBoth(seconds: number): Promise<[Measurement, Measurement]> {
  const targets: Target[] = [];
  try {
    for (const kind of ["bare", "adapter"] as const) {
      const child = fork(fileURLToPath(import.meta.url), ["--serve", kind], {
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      const target: Target = { kind, child, url: "", responseUrl: "", latencies: [], warmed: 0, failed: 0 };
      targets.push(target);
      const ready = await nextMessage<Ready>(child);
      target.url = `http://127.0.0.1:${ready.port}/slack/events`;
      target.responseUrl = ready.responseUrl;
    }
    for (const t of targets) {
      const warmup: number[] = [];
      await load(t.url, t.responseUrl, WARMUP_SECONDS, warmup);
      t.warmed = warmup.length;
    }
    const { rounds, roundSeconds } = roundsFor(seconds);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const result = await load(t.url, t.responseUrl, roundSeconds, t.latencies);
        t.failed += result.non2xx + result.errors + result.timeouts;
      }
    }
    const measured: Measurement[] = [];
    for (const t of targets) {
      t.child.send("stop");
      const done = await nextMessage<{ queued?: number }>(t.child);
      t.latencies.sort((a, b) => a - b);
      measured.push({
        kind: t.kind,
        // Our own percentiles from autocannon's sub-millisecond response times (its histogram rounds to 1 ms).
        p50: percentile(t.latencies, 0.5),
        p99: percentile(t.latencies, 0.99),
        requests: t.latencies.length,
        failed: t.failed,
        ...(done.queued !== undefined ? { queued: done.queued - t.warmed } : {}),
      });
    }
    return [measured[0]!, measured[1]!];
  } finally {
    for (const t of targets) if (t.child.exitCode === null) t.child.kill();
  }
}

async function load(url: string, responseUrl: string, seconds: number, latencies: number[]) {
  const instance = autocannon({
    url,
    method: "POST",
    connections: 10,
    overallRate: RATE,
    duration: seconds,
    requests: [
      {
        // A fresh trigger_id and signature for every request, as Slack would send them.
        setupRequest: (request: Record<string, unknown>) => {
          const body = slashCommandBody({ text: "status alice@contoso.com", responseUrl });
          return { ...request, method: "POST", body, headers: signedHeaders(SIGNING_SECRET, body) };
        },
      },
    ],
  });
  instance.on("response", (_client, status, _bytes, ms) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  return await instance;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench server exited early (${code})`));
    child.once("exit", onExit);
    child.once("message", (message) => {
      child.off("exit", onExit);
      resolve(message as T);
    });
  });
}

/** The child: one server, until the parent says stop. */
async function serve(kind: ServerKind): Promise<void> {
  const server = new HttpServer(silentLogger);
  let cleanup: () => Promise<number | undefined>;
  let responseUrl = "http://127.0.0.1:9/unused";
  if (kind === "bare") {
    const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: "/slack/events" });
    const app = new App({
      receiver,
      authorize: async () => ({ botToken: "xoxb-bench" }),
      ignoreSelf: false,
      convoStore: false,
    });
    app.command(/^\/.+/, async ({ ack }) => {
      await ack();
    });
    server.route("POST", "/slack/events", (req, res) => receiver.requestListener(req, res));
    cleanup = async () => undefined;
  } else {
    const fake = await FakeSlack.start();
    fake.addUser({ id: "U0HELPDESK", name: "helpdesk", email: "helpdesk@contoso.com" });
    responseUrl = fake.responseUrl();
    const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    const connection = connectRedis(redisUrl, { blocking: false });
    const queue = new RequestQueue({ redisUrl, prefix: `bench-slack-${randomUUID()}` }, connection);
    const adapter = createSlackAdapter({
      signingSecret: SIGNING_SECRET,
      botToken: fake.botToken,
      apiUrl: fake.apiUrl,
      queue,
      logger: silentLogger,
      server,
    });
    cleanup = async () => {
      await adapter.stop();
      const queued = await queue.queue.count();
      await queue.queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
      await fake.close();
      return queued;
    };
  }
  const port = await server.listen(0, "127.0.0.1");
  process.send?.({ port, responseUrl } satisfies Ready);
  process.once("message", () => {
    void (async () => {
      await server.close();
      const queued = await cleanup();
      process.send?.(queued === undefined ? {} : { queued }, () => process.exit(0));
    })();
  });
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const kindAt = process.argv.indexOf("--serve");
  if (kindAt !== -1) {
    void serve(process.argv[kindAt + 1] === "bare" ? "bare" : "adapter");
  } else {
    main().then(
      (code) => process.exit(code),
      (err: unknown) => {
        console.error(err);
        process.exit(2);
      },
    );
  }
}
