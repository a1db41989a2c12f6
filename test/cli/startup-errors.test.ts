import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, spawnCli } from "./run-cli.js";

const AZURE = { AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s3cr3t-value" };

function policyFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mfa-bot-policy-"));
  const path = join(dir, "policy.json");
  writeFileSync(path, content);
  return path;
}

describe("start-up errors: one clear line, non-zero exit, no stack trace", () => {
  it("names a missing variable", async () => {
    const good = policyFile(JSON.stringify({ roles: { admin: ["admin@contoso.com"] } }));
    const run = await collect(
      spawnCli(["worker"], { MFA_BOT_POLICY: good, AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c" }),
    ).done;
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/AZURE_CLIENT_SECRET/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("names the policy file and the offending field, never a secret", async () => {
    const bad = policyFile(JSON.stringify({ roles: { admin: ["not-an-email"] }, requireAprooval: [] }));
    const run = await collect(spawnCli(["worker"], { MFA_BOT_POLICY: bad, ...AZURE })).done;
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(bad);
    expect(lines[0]).toMatch(/requireAprooval|roles\.admin/);
    expect(run.stderr).not.toContain("s3cr3t-value");
  });

  it("a malformed value is named with what is wrong", async () => {
    const run = await collect(spawnCli(["serve"], { PORT: "abc" })).done;
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/PORT/);
  });

  it.each(["worker", "serve", "console"])(
    "%s on a Redis database that cannot be selected: one line, exit 1, no stack trace",
    async (command) => {
      const good = policyFile(JSON.stringify({ roles: { admin: ["admin@contoso.com"] } }));
      const redis = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
      redis.pathname = "/9999";
      const run = await collect(
        spawnCli([command], {
          MFA_BOT_POLICY: good,
          ...AZURE,
          REDIS_URL: redis.toString(),
          SLACK_SIGNING_SECRET: "x",
          SLACK_BOT_TOKEN: "xoxb-x",
          PORT: "0",
        }),
      ).done;
      expect(run.code).toBe(1);
      const lines = run.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^mfa-bot ${command}: Redis at .* refused the connection: .*DB index`),
      );
      expect(run.stdout).not.toMatch(/worker started|listening/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it("an unknown command prints the usage and exits 2", async () => {
    const run = await collect(spawnCli(["frobnicate"], {})).done;
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command "frobnicate"/);
    expect(run.stderr).toMatch(/usage: mfa-bot/);
  });
});
