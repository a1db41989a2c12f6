import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter, SLACK_EVENTS_PATH } from "../../adapters/slack/app.js";
import { freePort } from "../../src/cli/local-redis.js";
import { loadConfig } from "../../src/config/env.js";
import { ConfigError } from "../../src/config/startup-error.js";
import { HttpServer, type HttpServerOptions } from "../../src/http/server.js";
import { silentLogger } from "../../src/log.js";
import { collect, spawnCli, until } from "../cli/run-cli.js";
import { dropPrefix, testPrefix } from "../helpers/redis-prefix.js";
import { REDIS_URL } from "../helpers/worker-harness.js";

/**
 * Finding 5 of issue 13: the HTTP edge kept slow clients — no header or request timeout and no
 * connection cap, so 200 connections trickling a byte a second stayed open for five minutes — and
 * `serve` listened on every interface with no way to choose. All over real sockets.
 */

const servers: HttpServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await server.close();
});

async function serverWith(options: HttpServerOptions): Promise<{ server: HttpServer; port: number }> {
  const server = new HttpServer(silentLogger, options);
  servers.push(server);
  server.route("POST", "/echo", (_req, res) => {
    res.end("ok");
  });
  return { server, port: await server.listen(0, "127.0.0.1") };
}

/** A raw connection: what the server sends, and whether (and when) it closed the connection. */
function open(port: number, host = "127.0.0.1") {
  const socket = connect(port, host);
  sockets.push(socket);
  let received = "";
  let closed = false;
  socket.on("data", (chunk) => {
    received += chunk.toString();
  });
  socket.on("error", () => {});
  const closedByServer = new Promise<void>((resolve) =>
    socket.on("close", () => {
      closed = true;
      resolve();
    }),
  );
  const connected = new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return { socket, connected, closedByServer, received: () => received, isClosed: () => closed };
}

/** Resolves when `promise` does; fails the test if it has not within `ms` (a guard, not a timing). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Writes one byte at a time, until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || at >= text.length) return clearInterval(timer);
    socket.write(text[at++]!);
  }, everyMs);
  socket.once("close", () => clearInterval(timer));
}

const FAST: HttpServerOptions = {
  headersTimeoutMs: 300,
  requestTimeoutMs: 800,
  keepAliveTimeoutMs: 300,
  timeoutCheckIntervalMs: 50,
};

describe("slow clients", () => {
  it.each([
    ["its headers", "POST /echo HTTP/1.1\r\nHost: bot\r\n", "X-Slow: ".padEnd(400, "a")],
    ["its body", "POST /echo HTTP/1.1\r\nHost: bot\r\nContent-Length: 1000\r\n\r\n", "x".repeat(1000)],
  ])("a client that trickles %s is answered 408 and cut off", async (what, start, slowly) => {
    const { port } = await serverWith(FAST);
    const client = open(port);
    await client.connected;
    client.socket.write(start);
    trickle(client.socket, slowly, 50);
    await within(client.closedByServer, 10_000, `the server to close a connection trickling ${what}`);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it("an idle keep-alive connection is closed after the keep-alive timeout", async () => {
    const { port } = await serverWith(FAST);
    const client = open(port);
    await client.connected;
    client.socket.write("GET /healthz HTTP/1.1\r\nHost: bot\r\nConnection: keep-alive\r\n\r\n");
    await within(client.closedByServer, 10_000, "the server to close an idle keep-alive connection");
    expect(client.received()).toMatch(/^HTTP\/1\.1 200/);
  });

  it("connections past the cap are closed as they arrive; those within it stay", async () => {
    const { port } = await serverWith({ maxConnections: 3 });
    const held = [open(port), open(port), open(port)];
    await Promise.all(held.map((c) => c.connected));
    // Each of the three has started a request, so the server has surely accepted them.
    for (const c of held) c.socket.write("GET /healthz HTTP/1.1\r\nHost: bot\r\n");
    const extra = open(port);
    await within(extra.closedByServer, 10_000, "the server to drop a connection over the cap");
    expect(extra.received()).toBe("");
    expect(held.every((c) => !c.isClosed())).toBe(true);
  });
});

describe("body size per route", () => {
  async function post(port: number, path: string, bytes: number, chunked = false) {
    const body = "x".repeat(bytes);
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: chunked ? new Blob([body]).stream() : body,
      ...(chunked ? { duplex: "half" } : {}),
    } as RequestInit);
    return res.status;
  }

  it("refuses a body larger than its route takes, declared or streamed, with 413", async () => {
    const { server, port } = await serverWith({ maxBodyBytes: 1_000 });
    server.route(
      "POST",
      "/big",
      (_req, res) => {
        res.end("ok");
      },
      { maxBodyBytes: 5_000 },
    );
    expect(await post(port, "/echo", 1_000)).toBe(200);
    expect(await post(port, "/echo", 1_001)).toBe(413);
    expect(await post(port, "/echo", 1_001, true)).toBe(413);
    expect(await post(port, "/big", 5_000)).toBe(200);
    expect(await post(port, "/big", 5_001, true)).toBe(413);
  });

  it("gives POST /slack/events its own limit: a larger body never reaches Bolt", async () => {
    const server = new HttpServer(silentLogger);
    servers.push(server);
    const adapter = createSlackAdapter({
      signingSecret: "s",
      botToken: "xoxb-1",
      apiUrl: "http://127.0.0.1:9/api/",
      queue: { enqueue: async () => "" },
      logger: silentLogger,
      server,
    });
    const port = await server.listen(0, "127.0.0.1");
    expect(await post(port, SLACK_EVENTS_PATH, 1024 * 1024 + 1)).toBe(413);
    expect(await post(port, SLACK_EVENTS_PATH, 1024 * 1024 + 1, true)).toBe(413);
    // Within the limit it is Bolt's to judge: unsigned, so refused as such.
    expect(await post(port, SLACK_EVENTS_PATH, 10)).toBe(401);
    await adapter.stop();
  });
});

describe("HOST", () => {
  it("defaults to every IPv4 interface and takes an address or a host name; nonsense is named", () => {
    expect(loadConfig("serve", {}).http.host).toBe("0.0.0.0");
    expect(loadConfig("serve", { HOST: "127.0.0.1" }).http.host).toBe("127.0.0.1");
    expect(loadConfig("serve", { HOST: "::" }).http.host).toBe("::");
    expect(loadConfig("serve", { HOST: "bot.internal" }).http.host).toBe("bot.internal");
    expect(() => loadConfig("serve", { HOST: "0.0.0.0:3000" })).toThrow(ConfigError);
    expect(() => loadConfig("serve", { HOST: "0.0.0.0:3000" })).toThrow(/HOST must be an IP address/);
  });

  describe("mfa-bot serve", () => {
    const dir = mkdtempSync(join(tmpdir(), "mfa-bot-host-"));
    let child: ChildProcess | undefined;
    let prefix: string | undefined;
    afterAll(async () => {
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child!.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      if (prefix) await dropPrefix(REDIS_URL, prefix);
      rmSync(dir, { recursive: true, force: true });
    });

    it("listens on the interface HOST names and no other", async () => {
      const policy = join(dir, "policy.json");
      writeFileSync(policy, JSON.stringify({ roles: { admin: ["admin@contoso.com"] } }));
      const port = await freePort();
      prefix = testPrefix("host");
      // 127.0.0.2 is this machine too (all of 127.0.0.0/8 is loopback), but not 127.0.0.1.
      child = spawnCli(["serve"], {
        REDIS_URL,
        MFA_BOT_POLICY: policy,
        PORT: String(port),
        HOST: "127.0.0.2",
        MFA_BOT_QUEUE_PREFIX: prefix,
      });
      const run = collect(child);
      await until(() => run.stderr().includes('"listening"'), 15_000, "serve to listen");
      expect(run.stderr()).toContain('"host":"127.0.0.2"');
      expect((await fetch(`http://127.0.0.2:${port}/healthz`)).status).toBe(200);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    });
  });
});
