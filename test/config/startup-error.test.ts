import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/env.js";
import { loadPolicy } from "../../src/config/policy.js";
import { ConfigError, exitOnStartupError, PolicyError } from "../../src/config/startup-error.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/policy");

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Runs a start-up the way the CLI will: load, and on failure hand the error to exitOnStartupError. */
async function start(run: () => unknown): Promise<{ stderr: string; code: number | undefined }> {
  let stderr = "";
  const sink = { write: (chunk: string) => (stderr += chunk) };
  const exit = (code: number): never => {
    throw new Exited(code);
  };
  try {
    await run();
    return { stderr, code: undefined };
  } catch (err) {
    try {
      exitOnStartupError(err, sink, exit);
    } catch (exited) {
      if (exited instanceof Exited) return { stderr, code: exited.code };
      throw exited;
    }
    throw new Error("exitOnStartupError returned");
  }
}

describe("exitOnStartupError", () => {
  it("prints one line naming a missing variable and exits with status 2", async () => {
    const { stderr, code } = await start(() =>
      loadConfig("worker", { AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", SLACK_BOT_TOKEN: "xoxb-s3cret" }),
    );
    expect(code).toBe(2);
    expect(stderr).toBe('configuration: AZURE_CLIENT_SECRET is missing (needed by "worker")\n');
  });

  it("prints one line naming the field of a broken policy file and exits with status 2", async () => {
    const path = join(FIXTURES, "typo.json");
    const { stderr, code } = await start(() => loadPolicy(path));
    expect(code).toBe(2);
    expect(stderr).toBe(
      `policy file ${path}: unknown key "requireAprooval" (did you mean "requireApproval"?)\n`,
    );
  });

  it("prints one line for a policy file that is not JSON", async () => {
    const { stderr, code } = await start(() => loadPolicy(join(FIXTURES, "not-json.txt")));
    expect(code).toBe(2);
    expect(stderr.split("\n")).toHaveLength(2);
    expect(stderr).toContain("not valid JSON (");
  });

  it("rethrows anything that is not a startup error, without printing or exiting", async () => {
    const bug = new RangeError("a bug");
    await expect(
      start(() => {
        throw bug;
      }),
    ).rejects.toBe(bug);
    let printed = false;
    expect(() =>
      exitOnStartupError(
        "a string",
        {
          write: () => {
            printed = true;
          },
        },
        () => {
          throw new Error("exit must not be called");
        },
      ),
    ).toThrow("a string");
    expect(printed).toBe(false);
  });

  it("keeps a message on one line even if a problem text had a line break", async () => {
    const { stderr } = await start(() => {
      throw new PolicyError("p.json", ["first\nsecond"]);
    });
    expect(stderr).toBe("policy file p.json: first second\n");
  });

  it("exposes each problem separately", () => {
    const err = new ConfigError(["A is missing", "B is bad"]);
    expect(err.message).toBe("configuration: A is missing; B is bad");
    expect(err.problems).toEqual(["A is missing", "B is bad"]);
    expect(err.name).toBe("ConfigError");
  });
});
