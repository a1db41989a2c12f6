import { EventEmitter } from "node:events";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { parseSandboxArgs, type SandboxCliIo } from "../../src/cli/sandbox.js";

/** `mfa-bot sandbox …`, in this process. */
const runSandboxCli = (args: string[], io: SandboxCliIo) => main(["sandbox", ...args], io);

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});
afterAll(() => {
  nock.enableNetConnect();
});

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  const signals = new EventEmitter();
  const io: SandboxCliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    signals: signals as unknown as SandboxCliIo["signals"],
  };
  return { io, out, err, signals };
}

describe("mfa-bot sandbox", () => {
  it.each([
    [["--port", "abc"], /--port needs a port number/],
    [["--bogus"], /unknown flag '--bogus'/],
    [["--latency"], /--latency needs a value/],
    [["--fault-rate", "2"], /--fault-rate needs a probability/],
    [["--rate-limit", "0"], /--rate-limit needs requests per second/],
    [["--persist"], /--persist without a FILE/],
    [["--seed", "a.json", "--users", "3"], /cannot be used together/],
  ])("exits 2 with one clear line for %j", async (args, message) => {
    const { io, out, err } = fakeIo();
    expect(await runSandboxCli(args, io)).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
    expect(err[0]).toMatch(/usage: mfa-bot sandbox/);
    expect(out).toEqual([]);
  });

  it("exits 1 when the seed file cannot be read", async () => {
    const { io, err } = fakeIo();
    expect(await runSandboxCli(["--seed", "/nonexistent/seed.json"], io)).toBe(1);
    expect(err[0]).toMatch(/cannot start: cannot read sandbox seed/);
  });

  it("prints the URL and the environment, serves, and stops on SIGTERM", async () => {
    const { io, out, signals } = fakeIo();
    const running = runSandboxCli(["--port", "0", "--users", "5", "--rate-limit", "100"], io);
    await expect.poll(() => out.length).toBe(2);
    const url = /^sandbox tenant listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(out[0]!)?.[1];
    expect(url).toBeDefined();
    expect(out[1]).toBe(
      `GRAPH_BASE_URL=${url} AZURE_AUTHORITY_HOST=${url} AZURE_TENANT_ID=sandbox AZURE_CLIENT_ID=sandbox AZURE_CLIENT_SECRET=sandbox`,
    );
    const response = await fetch(`${url}/sandbox/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&client_id=sandbox&client_secret=sandbox&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
    });
    expect(response.status).toBe(200);
    signals.emit("SIGTERM");
    expect(await running).toBe(0);
    await expect(fetch(`${url}/`)).rejects.toThrow();
  });

  it("parses every flag", () => {
    expect(
      parseSandboxArgs([
        "--port=4000",
        "--seed",
        "s.json",
        "--latency",
        "20",
        "--rate-limit",
        "20",
        "--fault-rate",
        "0.1",
        "--persist",
      ]),
    ).toEqual({ port: 4000, seed: "s.json", latencyMs: 20, rateLimit: 20, faultRate: 0.1, persist: true });
    expect(parseSandboxArgs(["--persist", "state.json"])).toEqual({ persist: "state.json" });
  });
});
