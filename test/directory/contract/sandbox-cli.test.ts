import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGraphDirectory } from "../../../src/directory/graph/index.js";
import { SANDBOX_SAMPLE_USERS } from "../../../src/sandbox/index.js";

/**
 * `mfa-bot sandbox` as a person starts it — `node bin/mfa-bot.js sandbox --port 0` from
 * the repository root, the built CLI behind it — and the real Graph client pointed at
 * the URL it prints. `npm test` builds first; run alone, build with `npm run build`.
 */

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BUILT_CLI = fileURLToPath(new URL("../../../dist/src/cli.js", import.meta.url));
const LISTENING = /^sandbox tenant listening on (http:\/\/127\.0\.0\.1:\d+)$/m;

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});
afterAll(() => nock.enableNetConnect());

let child: ChildProcess | undefined;
afterEach(() => {
  // Only if an assertion failed before the test stopped it.
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function startCli(args: string[]): {
  process: ChildProcess;
  url: Promise<string>;
  exit: Promise<Exit>;
  output: () => string;
} {
  const started = spawn(process.execPath, ["bin/mfa-bot.js", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const exit = new Promise<Exit>((resolve) =>
    started.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = new Promise<string>((resolve, reject) => {
    started.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = LISTENING.exec(stdout);
      if (match) resolve(match[1]!);
    });
    started.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    void exit.then(({ code, signal }) =>
      reject(
        new Error(`mfa-bot sandbox exited (${code ?? signal}) before printing its URL:\n${stdout}${stderr}`),
      ),
    );
  });
  return { process: started, url, exit, output: () => `${stdout}${stderr}` };
}

describe("mfa-bot sandbox (the built CLI)", () => {
  it("serves the seeded tenant to the real Graph client and exits 0 on SIGTERM", async () => {
    expect(
      existsSync(BUILT_CLI),
      `${BUILT_CLI} is missing: run \`npm run build\` first (\`npm test\` builds before testing)`,
    ).toBe(true);

    const cli = startCli(["sandbox", "--port", "0"]);
    child = cli.process;
    const url = await cli.url;

    const directory = createGraphDirectory({
      graphBaseUrl: url,
      authorityHost: url,
      tenantId: "sandbox",
      clientId: "x",
      clientSecret: "y",
      backoffBaseMs: 5,
    });
    const alex = SANDBOX_SAMPLE_USERS.disabledUnregistered;
    expect(await directory.getUser(alex.userPrincipalName)).toMatchObject({ id: alex.id });
    expect(await directory.getMfaState(alex.id)).toBe("disabled");
    expect(await directory.setMfaState(alex.id, "enabled")).toBe("enabled");
    expect(await directory.getMfaState(alex.id)).toBe("enabled");

    // The seeded methods are there too: enabled over them, Brian stays Enabled until he re-registers.
    const brian = SANDBOX_SAMPLE_USERS.disabledRegistered;
    expect(await directory.setMfaState(brian.id, "enabled")).toBe("enabled");
    expect(await directory.listMethods(brian.id)).toHaveLength(2);

    expect(cli.process.kill("SIGTERM")).toBe(true);
    const exit = await cli.exit;
    expect(exit, cli.output()).toEqual({ code: 0, signal: null });
    await expect(fetch(`${url}/`)).rejects.toThrow();
  });
});
