import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { ConfigError } from "../../src/config/startup-error.js";
import { createLogger, requestContext } from "../../src/log.js";
import { BENCH_GROUP_ID, generateSeed } from "../../src/sandbox/default-seed.js";
import { collect, spawnCli, until } from "../cli/run-cli.js";
import { dropPrefix, testPrefix } from "../helpers/redis-prefix.js";
import { ADMIN, MANAGER, REDIS_URL, WorkerHarness } from "../helpers/worker-harness.js";

/**
 * Finding 6 of issue 13: secrets and noise at the edges. `worker` and `console` printed
 * REDIS_URL with its password when Redis did not answer; GRAPH_BASE_URL and
 * AZURE_AUTHORITY_HOST took plain http:// to other machines without a word, so the client secret
 * could cross the network unencrypted; and the log mixin let one line's fields bleed into the
 * lines after it (133 of 442 worker lines carried a stale `audit` object).
 */

const PASSWORD = "hunter2-Zq9";
const AZURE = { AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "client-s3cret" };
const dir = mkdtempSync(join(tmpdir(), "mfa-bot-secrets-"));
const policy = join(dir, "policy.json");
writeFileSync(policy, JSON.stringify({ roles: { admin: ["admin@contoso.com"] } }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) {
        if (!line.trim()) continue;
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { lines, raw, logger: createLogger({ level: "debug" }, stream) };
}

describe("credentials in URLs are never printed", () => {
  it.each([
    ["worker", `redis://:${PASSWORD}@127.0.0.1:1/0`],
    ["worker", `redis://127.0.0.1:1/0?password=${PASSWORD}`],
    ["console", `redis://mfa:${PASSWORD}@127.0.0.1:1`],
  ])("`mfa-bot %s` names an unreachable Redis without its password (%s)", async (command, url) => {
    const run = await collect(
      spawnCli([command], {
        REDIS_URL: url,
        MFA_BOT_POLICY: policy,
        MFA_BOT_REDIS_WAIT_SECONDS: "1",
        ...AZURE,
      }),
    ).done;
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/no Redis answers at redis:\/\/.*127\.0\.0\.1:1/);
    expect(`${run.stderr}${run.stdout}`).not.toContain(PASSWORD);
  });

  it("keeps them out of start-up errors", async () => {
    const run = await collect(
      spawnCli(["worker"], {
        MFA_BOT_POLICY: policy,
        ...AZURE,
        GRAPH_BASE_URL: `http://graph:${PASSWORD}@graph.contoso.example`,
        REDIS_URL: `http://u:${PASSWORD}@redis.contoso.example?password=${PASSWORD}`,
      }),
    ).done;
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/REDIS_URL must be a redis:\/\/ .*GRAPH_BASE_URL is plain http/);
    expect(run.stderr).not.toContain(PASSWORD);
  });

  it("keeps them out of every log line: fields, messages, errors and bindings", () => {
    const { raw, logger } = capture();
    const child = logger.child({ redis: `rediss://default:${PASSWORD}@cache.contoso.example:6380` });
    child.info(
      { url: `https://api.example/x?password=${PASSWORD}&page=2` },
      `fetched https://u:${PASSWORD}@h/`,
    );
    child.error({ err: new Error(`connect to redis://:${PASSWORD}@10.0.0.5:6379 failed`) }, "redis down");
    const text = raw.join("\n");
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain("cache.contoso.example:6380");
    expect(text).toContain("page=2");
  });

  it("keeps them out of the config as it is logged", () => {
    const config = loadConfig("serve", { REDIS_URL: `redis://:${PASSWORD}@redis.contoso.example:6379` });
    expect(config.redis.url).toContain(PASSWORD);
    expect(JSON.stringify(config)).not.toContain(PASSWORD);
  });
});

describe("Graph or the token endpoint over plain http", () => {
  it("is refused for another machine, naming the variable", () => {
    for (const variable of ["GRAPH_BASE_URL", "AZURE_AUTHORITY_HOST"] as const) {
      const env = { ...AZURE, [variable]: "http://graph.contoso.example" };
      expect(() => loadConfig("worker", env)).toThrow(ConfigError);
      expect(() => loadConfig("worker", env)).toThrow(
        new RegExp(`${variable} is plain http:// to another machine`),
      );
    }
  });

  it("is allowed on this machine (the sandbox tenant) and over https", () => {
    for (const url of [
      "http://127.0.0.1:4010",
      "http://localhost:4010",
      "http://[::1]:4010",
      "https://graph.microsoft.us",
    ]) {
      const config = loadConfig("worker", { ...AZURE, GRAPH_BASE_URL: url, AZURE_AUTHORITY_HOST: url });
      expect(config.graph.insecure).toEqual([]);
    }
  });

  it("starts with ALLOW_INSECURE_GRAPH=1, and the worker warns about it", async () => {
    const prefix = testPrefix("insecure-graph");
    const env = {
      ...AZURE,
      REDIS_URL,
      MFA_BOT_POLICY: policy,
      MFA_BOT_QUEUE_PREFIX: prefix,
      GRAPH_BASE_URL: "http://graph.contoso.example",
      ALLOW_INSECURE_GRAPH: "1",
    };
    expect(loadConfig("worker", env).graph.insecure).toEqual(["GRAPH_BASE_URL"]);
    const child = spawnCli(["worker"], env);
    const run = collect(child);
    try {
      await until(() => run.stderr().includes("worker started"), 15_000, "the worker to start");
      const warning = run
        .stderr()
        .split("\n")
        .find((line) => line.includes('"variable":"GRAPH_BASE_URL"'));
      expect(warning).toBeDefined();
      expect(JSON.parse(warning!)).toMatchObject({ level: 40, msg: expect.stringMatching(/unencrypted/) });
    } finally {
      child.kill("SIGTERM");
      await run.done;
      await dropPrefix(REDIS_URL, prefix);
    }
  });
});

describe("the log's request context", () => {
  it("puts on each line its own fields and the request id, nothing from lines before", async () => {
    const { lines, logger } = capture();
    await requestContext.run({ requestId: "req-1" }, async () => {
      logger.info({ audit: { action: "enable", target: "alice@contoso.com" } }, "audit");
      await Promise.resolve();
      logger.info("after the audit");
      logger.child({ component: "graph" }).info({ status: 200 }, "GET /users");
    });
    await requestContext.run({ requestId: "req-2" }, async () => {
      logger.info("another request");
    });
    expect(lines.map((l) => [l.msg, l.requestId, l.audit === undefined, l.status])).toEqual([
      ["audit", "req-1", false, undefined],
      ["after the audit", "req-1", true, undefined],
      ["GET /users", "req-1", true, 200],
      ["another request", "req-2", true, undefined],
    ]);
  });

  describe("in a worker running real jobs", () => {
    let h: WorkerHarness | undefined;
    afterEach(async () => {
      await h?.close();
    });

    it("writes the audit object only on audit lines, though Graph calls follow them in the same job", async () => {
      const { lines, logger } = capture();
      // More users than one apply step (APPLY_STEP, 40): the second step's Graph calls follow the
      // first step's audit lines in the same job.
      // As `mfa-bot worker` wires it: the Graph client logs every request to the worker's logger.
      h = await WorkerHarness.start({ logger, sandbox: { seed: generateSeed({ users: 50 }) } });
      const card = await h.answerTo(await h.send(ADMIN, `bulk enable group:${BENCH_GROUP_ID}`));
      if (card.outcome.kind !== "approval")
        throw new Error(`expected an approval card, got ${card.outcome.kind}`);
      await h.answerTo(await h.send(MANAGER, `approve ${card.outcome.approval.id}`));
      await h.waitFor((m) => m.outcome.kind === "summary");
      await h.settle();
      const graphLines = lines.filter((l) => l.msg === "graph request");
      expect(graphLines.length).toBeGreaterThan(0);
      expect(lines.filter((l) => l.audit !== undefined).length).toBeGreaterThan(0);
      const stale = lines.filter((l) => l.audit !== undefined && l.msg !== "audit");
      expect(stale.map((l) => l.msg)).toEqual([]);
      expect(graphLines.every((l) => typeof l.requestId === "string")).toBe(true);
    });
  });
});
