import { afterEach, describe, expect, it } from "vitest";
import { BOT_PERMISSIONS, defaultSeed, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/index.js";
import { ADMIN, testPolicy, WorkerHarness } from "../helpers/worker-harness.js";

const U = SANDBOX_SAMPLE_USERS;

/** The sandbox's seed grants the app only some permissions; its tokens carry only those. */
function grantingAllBut(missing: string) {
  return { ...defaultSeed(), application: { permissions: BOT_PERMISSIONS.filter((p) => p !== missing) } };
}

describe("a permission the app was not granted", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  it("is named in the answer when Graph refuses a change, and nothing changes", async () => {
    h = await WorkerHarness.start({
      sandbox: { seed: grantingAllBut("Policy.ReadWrite.AuthenticationMethod") },
      policy: testPolicy({ requireApproval: [] }),
    });
    const upn = U.disabledUnregistered.userPrincipalName;
    const answer = await h.answerTo(await h.send(ADMIN, `enable ${upn}`));
    expect(answer.outcome).toMatchObject({ kind: "change", results: [{ upn, ok: false }] });
    if (answer.outcome.kind !== "change") return;
    expect(answer.outcome.results[0]?.error).toMatch(
      /^the app lacks Policy\.ReadWrite\.AuthenticationMethod — grant it in Entra and give admin consent/,
    );
    expect(h.sandbox.tenant.user(upn)?.perUserMfaState).toBe("disabled");
    expect(h.sandbox.stats.snapshot().forbidden).toBeGreaterThan(0);
  });

  it("is named for each method a re-registration could not remove", async () => {
    h = await WorkerHarness.start({
      sandbox: { seed: grantingAllBut("UserAuthenticationMethod.ReadWrite.All") },
      policy: testPolicy({ requireApproval: [] }),
    });
    const upn = U.severalMethods.userPrincipalName;
    const answer = await h.answerTo(await h.send(ADMIN, `reregister ${upn}`));
    if (answer.outcome.kind !== "change") throw new Error(`got ${answer.outcome.kind}`);
    const [line] = answer.outcome.results;
    expect(line?.ok).toBe(false);
    expect(line?.methodsFailed?.length).toBe(3);
    for (const failed of line?.methodsFailed ?? []) {
      expect(failed.error).toMatch(/the app lacks UserAuthenticationMethod\.ReadWrite\.All/);
    }
    expect(h.sandbox.tenant.user(upn)?.methods).toHaveLength(3);
  });
});
