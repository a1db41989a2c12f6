import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { ConsoleNotifier } from "../../adapters/console/notifier.js";
import { consoleEntrySchema, consoleStreamKey } from "../../adapters/console/stream.js";
import { type Policy, parsePolicy } from "../../src/config/policy.js";
import { parseCommand } from "../../src/core/grammar.js";
import { createGraphDirectory, type GraphDirectoryOptions } from "../../src/directory/graph/index.js";
import type { Directory } from "../../src/directory/port.js";
import { type Logger, silentLogger } from "../../src/log.js";
import type { ApprovalView, Outcome } from "../../src/notify/outcome.js";
import type { ReplyAddress } from "../../src/notify/port.js";
import { buildJob } from "../../src/queue/from-command.js";
import { connectRedis, RequestQueue } from "../../src/queue/queues.js";
import {
  startWorkerRuntime,
  statePrefix,
  type WorkerRuntime,
  type WorkerRuntimeOptions,
} from "../../src/run/worker-runtime.js";
import { SANDBOX_ACCOUNTS } from "../../src/sandbox/default-seed.js";
import { type SandboxHandle, type SandboxOptions, startSandbox } from "../../src/sandbox/index.js";
import { ThrottleRelay } from "../../src/worker/throttle-relay.js";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export const ADMIN = SANDBOX_ACCOUNTS.admin.userPrincipalName;
export const MANAGER = SANDBOX_ACCOUNTS.manager.userPrincipalName;
export const HELPDESK = SANDBOX_ACCOUNTS.helpdesk.userPrincipalName;
export const BREAKGLASS = SANDBOX_ACCOUNTS.breakglass.userPrincipalName;

export function testPolicy(overrides: Record<string, unknown> = {}): Policy {
  return parsePolicy(
    {
      roles: {
        helpdesk: [HELPDESK],
        admin: [ADMIN, "admin2@contoso.com"],
        approver: [MANAGER, "manager2@contoso.com", ADMIN],
      },
      protected: [BREAKGLASS],
      ...overrides,
    },
    "(test policy)",
  );
}

/** Worker settings for tests: progress edited at every step, digests gathered briefly. */
export const HARNESS_SETTINGS = { progressIntervalMs: 0, digestDelayMs: 300 } as const;

export interface Message {
  type: "reply" | "post" | "update" | "dm";
  messageId: string;
  requestId?: string;
  to?: string;
  outcome: Outcome;
  /** Files the console saved with the answer (the report's CSV and chart). */
  files: string[];
}

/** The approval card a message carries; throws for any other message. */
export function approvalOf(m: Message): ApprovalView {
  if (m.outcome.kind !== "approval") throw new Error(`expected an approval card, got ${m.outcome.kind}`);
  return m.outcome.approval;
}

/**
 * The whole request path on the real Redis and BullMQ, with the real Graph client
 * against the sandbox tenant, and a console session's mailbox to read answers from.
 * Every harness has its own queue prefix; `close()` deletes its keys.
 */
export class WorkerHarness {
  readonly prefix = `test-${randomUUID().slice(0, 8)}`;
  readonly session = randomUUID();
  readonly queue: RequestQueue;
  readonly redis: Redis;
  private lastId = "0";
  readonly received: Message[] = [];
  runtimes: WorkerRuntime[] = [];
  logger: Logger = silentLogger;

  private constructor(
    readonly sandbox: SandboxHandle,
    readonly directory: Directory,
    readonly policy: Policy,
    /** Graph 429s reach the first worker's queue through this. */
    readonly throttle: ThrottleRelay,
  ) {
    this.redis = connectRedis(REDIS_URL, { blocking: true });
    this.queue = new RequestQueue({ redisUrl: REDIS_URL, prefix: this.prefix });
  }

  static async start(
    options: {
      sandbox?: SandboxOptions;
      policy?: Policy;
      worker?: Partial<WorkerRuntimeOptions>;
      startWorker?: boolean;
      requestsPerSecond?: number;
      /** Graph client options beyond the harness's (timeouts, retries). */
      graph?: Partial<GraphDirectoryOptions>;
      /** Where the Graph client and the worker log (as `mfa-bot worker` wires them); silent by default. */
      logger?: Logger;
    } = {},
  ): Promise<WorkerHarness> {
    const sandbox = await startSandbox(options.sandbox ?? {});
    const throttle = new ThrottleRelay();
    const directory = createGraphDirectory({
      graphBaseUrl: sandbox.url,
      authorityHost: sandbox.url,
      tenantId: "sandbox",
      clientId: "sandbox",
      clientSecret: "sandbox",
      backoffBaseMs: 20,
      maxBackoffMs: 1_000,
      requestsPerSecond: options.requestsPerSecond ?? 1_000,
      onThrottle: throttle.onThrottle,
      ...(options.logger ? { logger: options.logger } : {}),
      ...options.graph,
    });
    const harness = new WorkerHarness(sandbox, directory, options.policy ?? testPolicy(), throttle);
    harness.logger = options.logger ?? silentLogger;
    if (options.startWorker !== false) harness.startWorker(options.worker);
    return harness;
  }

  startWorker(overrides: Partial<WorkerRuntimeOptions> = {}): WorkerRuntime {
    const runtime = startWorkerRuntime({
      redisUrl: REDIS_URL,
      prefix: this.prefix,
      concurrency: 4,
      directory: this.directory,
      policy: this.policy,
      logger: this.logger,
      notifiers: (state, p) => ({ console: new ConsoleNotifier(state, p, this.fileDir) }),
      settings: HARNESS_SETTINGS,
      ...(this.runtimes.length === 0 ? { throttle: this.throttle } : {}),
      ...overrides,
    });
    this.runtimes.push(runtime);
    return runtime;
  }

  /** The first worker's dependencies (operation store, audit log) for looking at state. */
  deps() {
    const runtime = this.runtimes[0];
    if (!runtime) throw new Error("no worker started");
    return runtime.deps;
  }

  replyTo(actor: string, requestId: string): ReplyAddress {
    return { platform: "console", conversation: this.session, user: actor, extra: { requestId } };
  }

  /** Types a command as `actor` would in the console; returns the request id. */
  async send(actor: string, text: string): Promise<string> {
    const parsed = parseCommand(text);
    if (!parsed.ok) throw new Error(`test command does not parse: ${parsed.error}`);
    const requestId = randomUUID();
    const built = await buildJob(
      parsed.command,
      { platform: "console", chatUserId: this.session, upn: actor },
      this.replyTo(actor, requestId),
      async () => {
        throw new Error("no chat targets in tests");
      },
      requestId,
    );
    if (!built.ok) throw new Error(built.error);
    await this.queue.enqueue(built.job);
    return requestId;
  }

  /** Waits until a message matching `predicate` arrives (or fails after `timeoutMs`). */
  async waitFor(predicate: (m: Message) => boolean, timeoutMs = 20_000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `no matching message in ${timeoutMs} ms; got:\n${this.received.map((m) => JSON.stringify(m)).join("\n")}`,
        );
      }
      await this.poll(200);
    }
  }

  /**
   * Until no job is waiting or running, and none is due soon (a retry's backoff): whatever
   * the flow caused has happened. Jobs scheduled for another day (the next reminder) do not count.
   */
  async settle(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.queue.queue.getJobCounts(
        "waiting",
        "active",
        "prioritized",
        "waiting-children",
      );
      const delayed = await this.queue.queue.getJobs(["delayed"]);
      const dueSoon = delayed.filter((job) => job.timestamp + job.delay < Date.now() + 60_000);
      if (Object.values(counts).every((n) => n === 0) && dueSoon.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(
          `jobs still pending: ${JSON.stringify({ ...counts, delayedDueSoon: dueSoon.length })}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Counts, per user id, the PATCHes of authentication/requirements that reach the sandbox
   * (its PATCH route is the only caller of `setMfaState`).
   */
  countPatches(): Map<string, number> {
    const patches = new Map<string, number>();
    const tenant = this.sandbox.tenant;
    const original = tenant.setMfaState.bind(tenant);
    tenant.setMfaState = (idOrUpn: string, state: string) => {
      const id = tenant.find(idOrUpn)?.id.toLowerCase() ?? idOrUpn.toLowerCase();
      patches.set(id, (patches.get(id) ?? 0) + 1);
      return original(idOrUpn, state);
    };
    return patches;
  }

  /** The first answer to a request. */
  answerTo(requestId: string, timeoutMs?: number): Promise<Message> {
    return this.waitFor((m) => m.requestId === requestId, timeoutMs);
  }

  async poll(blockMs: number): Promise<void> {
    const key = consoleStreamKey(statePrefix(this.prefix), this.session);
    const reply = (await this.redis.xread("BLOCK", blockMs, "STREAMS", key, this.lastId)) as Array<
      [string, Array<[string, string[]]>]
    > | null;
    for (const [, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        this.lastId = id;
        const record: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
        const entry = consoleEntrySchema.parse(record);
        const files = entry.files ? (JSON.parse(entry.files) as string[]) : [];
        this.received.push({ ...entry, outcome: JSON.parse(entry.outcome) as Outcome, files });
      }
    }
  }

  async close(): Promise<void> {
    for (const runtime of this.runtimes) await runtime.close();
    await this.queue.queue.obliterate({ force: true }).catch(() => {});
    await this.queue.close();
    const keys = await this.redis.keys(`${this.prefix}:*`);
    if (keys.length) await this.redis.del(...keys);
    this.redis.disconnect();
    await this.sandbox.close();
    await rm(this.fileDir, { recursive: true, force: true });
  }

  /** Where the console notifier saves files in tests (removed by close). */
  readonly fileDir = join(tmpdir(), `mfa-bot-test-files-${randomUUID()}`);
}
