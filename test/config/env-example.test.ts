import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { ENV_VARIABLES } from "../../src/config/env-schema.js";

const lines = readFileSync(join(import.meta.dirname, "../../.env.example"), "utf8").split("\n");
/** Assignments, including the commented-out Teams ones. */
const documented = new Map(
  lines.flatMap((line) => {
    const m = /^#?\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    return m ? [[m[1]!, m[2]!] as const] : [];
  }),
);
/** Lines as they take effect when the file is copied to .env. */
const active = Object.fromEntries(
  lines.flatMap((line) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    return m ? [[m[1]!, m[2]!]] : [];
  }),
);

describe(".env.example", () => {
  it("documents every variable, each under a comment", () => {
    expect([...documented.keys()].sort()).toEqual([...ENV_VARIABLES].sort());
    for (const name of ENV_VARIABLES) {
      const at = lines.findIndex((line) => new RegExp(`^#?\\s*${name}=`).test(line));
      expect(lines[at - 1], name).toMatch(/^#/);
    }
  });

  it("works as it stands: the defaults, no Slack, and no unauthenticated Teams emulator", () => {
    const config = loadConfig("serve", active);
    expect(config.slack.enabled).toBe(false);
    expect(config.teams.enabled).toBe(false);
    expect(config).toMatchObject({ http: { port: 3000 }, redis: { url: "redis://127.0.0.1:6379" } });
  });
});
