import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_GROUPS, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/default-seed.js";
import { ADMIN, HELPDESK, MANAGER, REDIS_URL, WorkerHarness } from "../helpers/worker-harness.js";
import { collect, spawnCli } from "./run-cli.js";

describe("mfa-bot console with piped input", () => {
  let h: WorkerHarness;
  let policy: string;
  beforeEach(async () => {
    h = await WorkerHarness.start();
    policy = join(mkdtempSync(join(tmpdir(), "mfa-bot-console-")), "policy.json");
    writeFileSync(policy, JSON.stringify({ roles: { admin: [ADMIN] } }));
  });
  afterEach(async () => {
    await h.close();
  });

  function consoleRun(args: string[], input: string) {
    const child = spawnCli(["console", ...args], {
      REDIS_URL,
      MFA_BOT_QUEUE_PREFIX: h.prefix,
      MFA_BOT_POLICY: policy,
    });
    const run = collect(child);
    child.stdin?.end(input);
    return run.done;
  }

  it("answers each command, switches actor with `as`, approves, and exits once every answer is in", async () => {
    const upn = SANDBOX_SAMPLE_USERS.enabledUnregistered.userPrincipalName;
    const first = await consoleRun(["--as", HELPDESK], `status ${upn}\nfrobnicate\n`);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`<${upn}>: Enabled — waiting for registration`);
    expect(first.stdout).toMatch(/✖ unknown command "frobnicate"/);

    const preview = await consoleRun(["--as", ADMIN], `bulk enable group:${SANDBOX_GROUPS.finance.id}\n`);
    expect(preview.code).toBe(0);
    const id = /Approval ([a-z2-9]{8}):/.exec(preview.stdout)?.[1];
    expect(id).toBeDefined();
    const approved = await consoleRun(["--as", ADMIN], `as ${MANAGER}\napprove ${id}\n`);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain(`acting as ${MANAGER}`);
    expect(approved.stdout).toContain(`You approved ${id}`);
    // The summary goes to where the request came from (the first session); the change itself happens.
    const alex = SANDBOX_SAMPLE_USERS.disabledUnregistered.userPrincipalName;
    for (let i = 0; i < 100 && h.sandbox.tenant.user(alex)?.perUserMfaState !== "enabled"; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(h.sandbox.tenant.user(alex)?.perUserMfaState).toBe("enabled");
  });

  it("without --as, asks who you are before sending anything", async () => {
    const run = await consoleRun([], "status someone@contoso.com\n");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("say who you are first");
    expect(h.sandbox.stats.snapshot().graphOperations).toBe(0);
  });
});
