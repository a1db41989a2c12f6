import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { findOnPath, freePort, redisAnswers } from "../../src/cli/local-redis.js";
import { SANDBOX_ACCOUNTS } from "../../src/sandbox/default-seed.js";
import { BENCH_GROUP_ID, generateSeed, type SandboxHandle, startSandbox } from "../../src/sandbox/index.js";
import { collect, spawnCli } from "../cli/run-cli.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { postSigned, slashCommandBody } from "../helpers/slack-sign.js";

/**
 * Real processes for fault tests: a private `redis-server` on its own free port with AOF on
 * (`appendonly yes`, `appendfsync everysec`, `noeviction`, as the README asks), `mfa-bot serve`
 * and `mfa-bot worker` as deployed (the built CLI), the sandbox tenant and a fake Slack over HTTP.
 * A bulk is started from Slack (`/mfa bulk enable`, then `/mfa approve` by the manager), and the
 * rig records every PATCH the sandbox takes, with its time, so a test can say who was written
 * when and how often.
 */

export const SIGNING_SECRET = "faults-3f9a0c1d2e4b5a6978877665544332211";
export const ADMIN = { id: "U0ADMIN", name: "admin", email: SANDBOX_ACCOUNTS.admin.userPrincipalName };
export const MANAGER = {
  id: "U0MANAGER",
  name: "manager",
  email: SANDBOX_ACCOUNTS.manager.userPrincipalName,
};
const CHANNEL = "C0ROLLOUT";

export interface Proc {
  child: ChildProcess;
  run: ReturnType<typeof collect>;
  startedAt: number;
}

export class PrivateRedis {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly binary: string,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivateRedis> {
    const binary = findOnPath("redis-server");
    if (!binary) throw new Error("the fault suite needs redis-server on PATH");
    const redis = new PrivateRedis(await freePort(), binary, mkdtempSync(join(tmpdir(), "mfa-bot-faults-")));
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.child = spawn(
      this.binary,
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--dir",
        this.dir,
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--maxmemory-policy",
        "noeviction",
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 100; i++) {
      if (await redisAnswers(this.url, 500)) return;
      await sleep(100);
    }
    throw new Error(`redis-server did not start on ${this.port}`);
  }

  /** SIGTERM (Redis writes its AOF and exits), as a restart or a failover does. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }

  async stop(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export interface RigOptions {
  users: number;
  /** MFA_BOT_GRAPH_RPS: slow enough that a fault lands mid-bulk. */
  graphRps: number;
}

export class FaultRig {
  readonly prefix = `faults-${randomUUID().slice(0, 8)}`;
  /** Per user id, the times the sandbox took a PATCH of their state. */
  readonly writes = new Map<string, number[]>();
  readonly processes: Proc[] = [];
  port = 0;
  private policyDir = "";

  private constructor(
    readonly redis: PrivateRedis,
    readonly sandbox: SandboxHandle,
    readonly slack: FakeSlack,
    readonly options: RigOptions,
  ) {}

  static async start(options: RigOptions): Promise<FaultRig> {
    const redis = await PrivateRedis.start();
    const sandbox = await startSandbox({ seed: generateSeed({ users: options.users }), latencyMs: 10 });
    const slack = await FakeSlack.start();
    slack.addUser(ADMIN).addUser(MANAGER);
    const rig = new FaultRig(redis, sandbox, slack, options);
    const tenant = sandbox.tenant;
    const original = tenant.setMfaState.bind(tenant);
    tenant.setMfaState = (idOrUpn: string, state: string) => {
      const id = tenant.find(idOrUpn)?.id.toLowerCase() ?? idOrUpn.toLowerCase();
      rig.writes.set(id, [...(rig.writes.get(id) ?? []), Date.now()]);
      return original(idOrUpn, state);
    };
    rig.policyDir = mkdtempSync(join(tmpdir(), "mfa-bot-faults-policy-"));
    writeFileSync(
      join(rig.policyDir, "policy.json"),
      JSON.stringify({
        roles: { admin: [ADMIN.email], approver: [MANAGER.email] },
        requireApproval: ["bulk"],
      }),
    );
    rig.port = await freePort();
    return rig;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private env(): Record<string, string> {
    return {
      REDIS_URL: this.redis.url,
      MFA_BOT_QUEUE_PREFIX: this.prefix,
      MFA_BOT_POLICY: join(this.policyDir, "policy.json"),
      PORT: String(this.port),
      HOST: "127.0.0.1",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: this.slack.botToken,
      SLACK_API_URL: this.slack.apiUrl,
      GRAPH_BASE_URL: this.sandbox.url,
      AZURE_AUTHORITY_HOST: this.sandbox.url,
      AZURE_TENANT_ID: "sandbox",
      AZURE_CLIENT_ID: "sandbox",
      AZURE_CLIENT_SECRET: "sandbox",
      MFA_BOT_GRAPH_RPS: String(this.options.graphRps),
      LOG_LEVEL: "info",
    };
  }

  async startProcess(command: "serve" | "worker"): Promise<Proc> {
    const child = spawnCli([command], this.env());
    const proc: Proc = { child, run: collect(child), startedAt: Date.now() };
    this.processes.push(proc);
    const ready = command === "serve" ? '"listening"' : "worker started";
    await until(
      () => proc.run.stderr().includes(ready) || child.exitCode !== null,
      30_000,
      `${command} to start`,
    );
    if (child.exitCode !== null) throw new Error(`${command} exited ${child.exitCode}: ${proc.run.stderr()}`);
    return proc;
  }

  /** `/mfa <text>` signed as Slack signs it; the ack's status, body and how long it took. */
  async slash(user: typeof ADMIN, text: string) {
    const responseUrl = this.slack.responseUrl();
    const started = performance.now();
    const ack = await postSigned(
      `${this.base}/slack/events`,
      SIGNING_SECRET,
      slashCommandBody({ text, responseUrl, userId: user.id, userName: user.name, channelId: CHANNEL }),
    );
    return { ...ack, ms: performance.now() - started, responseUrl };
  }

  /** Requests and approves a bulk enable of every bench user; resolves once it is approved. */
  async startBulk(): Promise<{ operationId: string; cardTs: string }> {
    await this.slash(ADMIN, `bulk enable group:${BENCH_GROUP_ID} --reason "fault suite"`);
    const card = await until(
      () =>
        [...this.slack.messages.values()].find(
          (m) => m.channel === CHANNEL && JSON.stringify(m.blocks).includes('"action_id":"mfa_approve'),
        ),
      60_000,
      "the approval card",
    );
    const operationId = /"action_id":"mfa_approve"[^}]*"value":"([^"]+)"/.exec(
      JSON.stringify(card.blocks),
    )?.[1];
    if (!operationId) throw new Error("the approval card carries no approval id");
    await this.slash(MANAGER, `approve ${operationId}`);
    return { operationId, cardTs: card.ts };
  }

  /**
   * `serve` and a worker started, a bulk requested and approved, and `fraction` of its users
   * written: the moment to inject a fault.
   */
  async bulkUnderWay(fraction: number) {
    const serve = await this.startProcess("serve");
    const worker = await this.startProcess("worker");
    const startedAt = Date.now();
    const bulk = await this.startBulk();
    await until(
      () => this.writes.size >= this.options.users * fraction,
      600_000,
      `${fraction * 100} % of the bulk`,
    );
    return { serve, worker, startedAt, ...bulk };
  }

  /** The summaries posted to the channel (one per finished bulk). */
  summaries() {
    return [...this.slack.messages.values()].filter(
      (m) => m.channel === CHANNEL && summaryCounts(m) !== undefined,
    );
  }

  benchUsers() {
    return this.sandbox.tenant.allUsers().filter((u) => u.userPrincipalName.startsWith("user"));
  }

  /** Audit entries of an operation, from the audit stream. */
  async audit(operationId: string): Promise<Array<{ target?: string; result?: string }>> {
    const client = new Redis(this.redis.url);
    try {
      const entries = await client.xrange(`${this.prefix}:state:audit`, "-", "+");
      return entries
        .map(
          ([, fields]) =>
            JSON.parse(fields[1] ?? "{}") as { operationId?: string; target?: string; result?: string },
        )
        .filter((e) => e.operationId === operationId);
    } finally {
      client.disconnect();
    }
  }

  async metrics(): Promise<string> {
    return (await fetch(`${this.base}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  }

  async close(): Promise<void> {
    for (const { child } of this.processes) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    await this.slack.close();
    await this.sandbox.close();
    await this.redis.stop();
    rmSync(this.policyDir, { recursive: true, force: true });
  }
}

/**
 * A bulk summary's counts: from its text when it was posted, from its fields when it was shared
 * with its chart (files.completeUploadExternal carries blocks and no text).
 */
export function summaryCounts(m: {
  text: string;
  blocks: unknown[];
}): { changed: number; failed: number } | undefined {
  const posted = /: done: (\d+) users? changed, (\d+) failed/.exec(m.text);
  if (posted) return { changed: Number(posted[1]), failed: Number(posted[2]) };
  const blocks = JSON.stringify(m.blocks);
  if (!/MFA: done/.test(blocks)) return undefined;
  const changed = /\*Changed\*\\n(\d+)/.exec(blocks);
  const failed = /\*Failed\*\\n(\d+)/.exec(blocks);
  return changed && failed ? { changed: Number(changed[1]), failed: Number(failed[1]) } : undefined;
}
