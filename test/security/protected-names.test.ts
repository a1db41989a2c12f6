import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultSeed, SANDBOX_GROUPS, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/default-seed.js";
import { ADMIN, BREAKGLASS, MANAGER, testPolicy, WorkerHarness } from "../helpers/worker-harness.js";

/**
 * Finding 2 of issue 13: `protected` matched only the UPN, so a break-glass account the policy
 * named by its mail (mail first.last@…, UPN firstl@…) was planned, approved and PATCHed. A
 * protected entry now matches a user by UPN, mail, any SMTP proxy address or object id, through
 * the real Graph client against the sandbox tenant, whichever way a command names the user.
 */

const seed = defaultSeed();
const userOf = (upn: string) => {
  const user = seed.users.find((u) => u.userPrincipalName === upn);
  if (!user) throw new Error(`no ${upn} in the default seed`);
  return user;
};
const domain = SANDBOX_SAMPLE_USERS.disabledUnregistered.userPrincipalName.split("@")[1]!;
// Three disabled members of the Finance group, each protected under a different name.
const byMail = userOf(SANDBOX_SAMPLE_USERS.disabledUnregistered.userPrincipalName); // alexw
const byProxy = userOf(`debrab@${domain}`);
const byObjectId = userOf(SANDBOX_SAMPLE_USERS.disabledRegistered.userPrincipalName); // brianj
byMail.mail = `alex.wilber@${domain}`;
byMail.proxyAddresses = [`SMTP:alex.wilber@${domain}`];
// Graph's user page writes its example with a space after the prefix; real tenants do not.
byProxy.proxyAddresses = [`SMTP:debrab@${domain}`, `smtp: debra.alias@${domain}`];

const policy = testPolicy({
  protected: [BREAKGLASS, `Alex.Wilber@${domain}`, `debra.alias@${domain}`, byObjectId.id.toUpperCase()],
});
const PROTECTED = [byMail, byProxy, byObjectId];

describe("a protected account named in the policy by mail, proxy address or object id", () => {
  let h: WorkerHarness;
  let patches: Map<string, number>;
  beforeEach(async () => {
    h = await WorkerHarness.start({ sandbox: { seed }, policy, startWorker: false });
    patches = h.countPatches();
    h.startWorker();
  });
  afterEach(async () => {
    await h.close();
  });

  it.each([
    ["its UPN", byMail.userPrincipalName],
    ["its mail", byMail.mail!],
    ["its object id", byMail.id],
  ])("is refused, not PATCHed, when a command names it by %s", async (_how, name) => {
    const answer = await h.answerTo(await h.send(ADMIN, `enable ${name}`));
    expect(answer.outcome).toMatchObject({
      kind: "change",
      results: [],
      refused: [{ ref: byMail.userPrincipalName.toLowerCase(), reason: expect.stringMatching(/protected/) }],
    });
    await h.settle();
    expect(patches.get(byMail.id)).toBeUndefined();
    expect(h.sandbox.tenant.user(byMail.id)?.perUserMfaState).toBe("disabled");
  });

  it("is listed as refused in a bulk plan whichever way it was named, and never written when approved", async () => {
    // The group names all three; they are named again on their own, and one user who may change.
    const others = [
      byMail.userPrincipalName,
      byProxy.id,
      byObjectId.userPrincipalName.toUpperCase(),
      `enricoc@${domain}`,
    ];
    const id = await h.send(ADMIN, `bulk enable group:${SANDBOX_GROUPS.finance.id} ${others.join(" ")}`);
    const card = await h.answerTo(id);
    if (card.outcome.kind !== "approval")
      throw new Error(`expected an approval card, got ${card.outcome.kind}`);
    const approval = card.outcome.approval;
    const refused = approval.refused.users.map((u) => u.ref).sort();
    expect(refused).toEqual(PROTECTED.map((u) => u.userPrincipalName.toLowerCase()).sort());
    for (const user of approval.refused.users) expect(user.reason).toMatch(/protected/);
    const changing = approval.changes.users.map((u) => u.upn);
    expect(changing.length).toBeGreaterThan(0);
    for (const user of PROTECTED) expect(changing).not.toContain(user.userPrincipalName.toLowerCase());

    await h.answerTo(await h.send(MANAGER, `approve ${approval.id}`));
    await h.waitFor((m) => m.outcome.kind === "summary");
    await h.settle();
    for (const user of PROTECTED) {
      expect(patches.get(user.id)).toBeUndefined();
      expect(h.sandbox.tenant.user(user.id)?.perUserMfaState).toBe("disabled");
    }
    for (const upn of changing) expect(h.sandbox.tenant.user(upn)?.perUserMfaState).toBe("enabled");
  });

  it("shows as protected in status, whichever name the policy used", async () => {
    for (const user of PROTECTED) {
      const answer = await h.answerTo(await h.send(ADMIN, `status ${user.userPrincipalName}`));
      expect(answer.outcome).toMatchObject({ kind: "status", isProtected: true });
    }
  });
});
