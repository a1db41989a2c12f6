import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CliIo, COMMANDS } from "../../src/cli/commands.js";
import { main } from "../../src/cli/main.js";

/** `mfa-bot …` in this process: what it prints and the exit code. */
async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    signals: new EventEmitter() as unknown as CliIo["signals"],
  };
  const code = await main(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const NAMES = Object.keys(COMMANDS);

describe("mfa-bot's command line", () => {
  it("prints the package's version with --version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(await run("--version")).toEqual({ code: 0, out: `mfa-bot ${version}`, err: "" });
  });

  it("lists every command with --help (exit 0), and without a command (exit 2)", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const help = await run(...argv);
      expect(help.code).toBe(0);
      for (const name of NAMES) expect(help.out).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    }
    const bare = await run();
    expect(bare.code).toBe(2);
    expect(bare.out).toMatch(/^usage: mfa-bot <command>/);
  });

  it.each(NAMES)("explains `%s` with --help: its usage line and every option", async (name) => {
    for (const argv of [
      [name, "--help"],
      [name, "-h"],
      ["help", name],
    ]) {
      const help = await run(...argv);
      expect(help.code).toBe(0);
      expect(help.err).toBe("");
      expect(help.out).toMatch(new RegExp(`^usage: mfa-bot ${name}`));
      for (const option of Object.keys(COMMANDS[name as keyof typeof COMMANDS].options)) {
        expect(help.out).toContain(`--${option}`);
      }
    }
  });

  it("keeps the sandbox's flags as the README documents them", async () => {
    const help = await run("sandbox", "--help");
    expect(help.out.split("\n")[0]).toBe(
      "usage: mfa-bot sandbox [--port N] [--seed FILE | --users N] [--latency MS] [--rate-limit N] [--limits documented] [--limit-scale X] [--fault-rate X] [--persist [FILE]]",
    );
  });

  it("refuses an unknown command or flag with exit code 2 and the usage", async () => {
    const unknown = await run("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^mfa-bot: unknown command "frobnicate"\nusage: mfa-bot <command>/);
    const flag = await run("console", "--bogus");
    expect(flag).toEqual({
      code: 2,
      out: "",
      err: "mfa-bot console: unknown flag '--bogus'. usage: mfa-bot console [--as <upn>]",
    });
    const notAUpn = await run("demo", "--as", "admin");
    expect(notAUpn.code).toBe(2);
    expect(notAUpn.err).toMatch(
      /^mfa-bot demo: --as needs a UPN \(e\.g\. --as admin@contoso\.com\), not "admin"/,
    );
  });
});
