import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { defaultSeed, loadSeedFile } from "../../src/sandbox/index.js";

/**
 * sandbox/seed.example.json is the default seed in file form (for `mfa-bot sandbox --seed`).
 * After changing default-seed.ts, regenerate it with:
 *   UPDATE_SANDBOX_SEED=1 npx vitest run test/sandbox/seed-example.test.ts && npx biome format --write sandbox
 */
const file = new URL("../../sandbox/seed.example.json", import.meta.url);

describe("sandbox/seed.example.json", () => {
  it("is the default seed, and loads as a seed file", async () => {
    if (process.env.UPDATE_SANDBOX_SEED === "1")
      await writeFile(file, `${JSON.stringify(defaultSeed(), null, 2)}\n`);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual(defaultSeed());
    expect(await loadSeedFile(file.pathname)).toEqual(defaultSeed());
  });
});
