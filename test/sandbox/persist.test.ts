import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateSeed, parseSeed, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/index.js";
import { useSandboxes } from "./helpers.js";

const start = useSandboxes();
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mfa-bot-sandbox-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("persistence", () => {
  it("writes changes to the persist file, and a new sandbox started from it sees them", async () => {
    const file = join(await tempDir(), "tenant.json");
    const user = SANDBOX_SAMPLE_USERS.disabledUnregistered;
    const first = await start({ persist: file });
    const patch = await first.graph("PATCH", `/beta/users/${user.id}/authentication/requirements`, {
      body: { perUserMfaState: "enabled" },
    });
    expect(patch.status).toBe(204);
    await first.sandbox.flush();
    const written = parseSeed(JSON.parse(await readFile(file, "utf8")));
    expect(written.users.find((u) => u.id === user.id)?.perUserMfaState).toBe("enabled");
    await first.sandbox.close();

    // With only a persist path, an existing file is the seed.
    const second = await start({ persist: file });
    expect(second.sandbox.tenant.user(user.id)?.perUserMfaState).toBe("enabled");
  });

  it("writes back to the seed file when persist is true", async () => {
    const file = join(await tempDir(), "seed.json");
    const seed = generateSeed({ users: 3 });
    await writeFile(file, JSON.stringify(seed));
    const target = seed.users.at(-1)!;
    const client = await start({ seed: file, persist: true });
    client.sandbox.tenant.register(target.id, {
      id: "f1d0f1d0-0000-4000-8000-000000000001",
      type: "softwareOath",
    });
    await client.sandbox.close();
    const written = parseSeed(JSON.parse(await readFile(file, "utf8")));
    expect(written.users.find((u) => u.id === target.id)?.methods).toEqual([
      { id: "f1d0f1d0-0000-4000-8000-000000000001", type: "softwareOath" },
    ]);
  });

  it("coalesces a burst of changes into one file", async () => {
    const file = join(await tempDir(), "burst.json");
    const seed = generateSeed({ users: 5 });
    const client = await start({ seed, persist: file, persistDebounceMs: 10_000 });
    for (const u of seed.users) client.sandbox.tenant.setMfaState(u.id, "enabled");
    await client.sandbox.flush();
    const written = parseSeed(JSON.parse(await readFile(file, "utf8")));
    expect(written.users.every((u) => u.perUserMfaState !== "disabled")).toBe(true);
  });

  it("refuses persist: true when the seed is not a file", async () => {
    await expect(start({ seed: generateSeed({ users: 1 }), persist: true })).rejects.toThrow(/persist/);
  });
});
