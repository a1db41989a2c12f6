import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { duplicateKeys } from "../../src/config/json-duplicates.js";
import { loadPolicy } from "../../src/config/policy.js";
import { PolicyError } from "../../src/config/startup-error.js";
import { collect, spawnCli } from "../cli/run-cli.js";

/**
 * Finding 3 of issue 13: JSON.parse keeps the last of two equal keys, so
 * `{"protected":["breakglass@…"],"protected":[]}` loaded with nothing protected — though the
 * README promises that a typo cannot silently weaken the policy. A repeated key, at any depth,
 * is now a one-line error naming its path.
 */

const dir = mkdtempSync(join(tmpdir(), "mfa-bot-dup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function policyFile(text: string): string {
  const path = join(dir, `policy-${++files}.json`);
  writeFileSync(path, text);
  return path;
}

async function problemsOf(text: string): Promise<readonly string[]> {
  try {
    await loadPolicy(policyFile(text));
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
  return [];
}

const ROLES = '"roles":{"admin":["admin@contoso.com"]}';

describe("a policy file with a repeated key", () => {
  it("is refused when a second protected list would empty the first", async () => {
    expect(await problemsOf(`{${ROLES},"protected":["breakglass@contoso.com"],"protected":[]}`)).toEqual([
      'key "protected" appears more than once (remove all but one)',
    ]);
  });

  it.each([
    ["a role list", '{"roles":{"admin":["admin@contoso.com"],"admin":[]}}', "roles.admin"],
    ["the roles object", `{${ROLES},${ROLES}}`, "roles"],
    [
      "a reminder setting",
      `{${ROLES},"reminders":{"scheduleDays":[0,1],"escalateAfter":4,"scheduleDays":[0]}}`,
      "reminders.scheduleDays",
    ],
    ["a key spelt with an escape", `{${ROLES},"maxBulk":10,"max\\u0042ulk":100000}`, "maxBulk"],
    [
      "requireApproval, with white space around",
      `{ ${ROLES} , "requireApproval" : ["bulk"] ,\n "requireApproval":[] }`,
      "requireApproval",
    ],
  ])("names the path of %s", async (_what, text, path) => {
    const problems = await problemsOf(text);
    expect(problems).toEqual([`key "${path}" appears more than once (remove all but one)`]);
  });

  it("still loads a file whose keys repeat only across different objects", async () => {
    const path = policyFile(
      '{"roles":{"admin":["a@contoso.com"],"approver":["a@contoso.com"]},"reminders":{"escalateAfter":2}}',
    );
    expect((await loadPolicy(path)).roles.approver).toEqual(["a@contoso.com"]);
  });

  it("finds repeats at any depth, in objects inside arrays too", () => {
    expect(duplicateKeys('[{"a":1},{"b":{"c":[{"d":1,"d":2}]},"b":0}]')).toEqual([
      [1, "b", "c", 0, "d"],
      [1, "b"],
    ]);
    expect(duplicateKeys('{"a":"}\\"{","a\\"":1,"b":[1,2,{}]}')).toEqual([]);
  });

  it("stops `mfa-bot worker` with one line naming the key, before it does anything", async () => {
    const path = policyFile(`{${ROLES},"protected":["breakglass@contoso.com"],"protected":[]}`);
    const child = spawnCli(["worker"], {
      MFA_BOT_POLICY: path,
      AZURE_TENANT_ID: "t",
      AZURE_CLIENT_ID: "c",
      AZURE_CLIENT_SECRET: "s",
      MFA_BOT_QUEUE_PREFIX: "test-duplicate-keys",
    });
    // A worker that took the file would run until stopped: stop it, and the test fails below.
    const stopper = setTimeout(() => child.kill("SIGKILL"), 15_000);
    const run = await collect(child).done.finally(() => clearTimeout(stopper));
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([
      `policy file ${path}: key "protected" appears more than once (remove all but one)`,
    ]);
  });
});
