import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DECISION_ACTION_IDS } from "../../adapters/slack/action-ids.js";
import { parsePolicy } from "../../src/config/policy.js";
import { isProtected, rolesFor } from "../../src/config/roles.js";
import { PolicyError } from "../../src/config/startup-error.js";
import { checkAddress } from "../../src/core/ids.js";
import { SANDBOX_SAMPLE_USERS } from "../../src/sandbox/default-seed.js";
import { PEOPLE, SIGNING_SECRET, SlackEndToEnd, slackDriver } from "../adapters/slack/end-to-end-harness.js";
import { localNetworkOnly } from "../helpers/local-network.js";
import { blockActionPayload, interactivityBody, postSigned } from "../helpers/slack-sign.js";
import { ADMIN, BREAKGLASS, HELPDESK, MANAGER } from "../helpers/worker-harness.js";

/**
 * Finding 1 of issue 13: Unicode case folding made one person another. A Slack account whose
 * profile email was "\u212Airk@contoso.com" (K = KELVIN SIGN) was lower-cased into
 * "kirk@contoso.com" and approved a disable as kirk. Every address is now compared as Entra
 * compares it (src/core/ids.ts, checkAddress): refused, with the reason, never folded.
 */

const KELVIN = "\u212A"; // K, which toLowerCase() and NFKC turn into an ASCII k
const LOOK_ALIKES: Array<[what: string, address: string, says: RegExp]> = [
  ["KELVIN SIGN", `${KELVIN}irk@contoso.com`, /U\+212A.*normalisation \(NFKC\)/],
  ["Cyrillic a", "m\u0430nager@contoso.com", /U\+0430.*Entra does not allow/],
  ["Cyrillic o in the domain", "kirk@c\u043Entoso.com", /U\+043E/],
  ["Greek capital kappa", "\u039Airk@contoso.com", /U\+039A/],
  ["Greek omicron", "b\u03BFb@contoso.com", /U\+03BF/],
  ["full-width letters", "\uFF4B\uFF49\uFF52\uFF4B@contoso.com", /U\+FF4B.*normalisation/],
  ["full-width @", "kirk\uFF20contoso.com", /not an address|U\+FF20/],
  ["a +tag", "kirk+admin@contoso.com", /"\+" \(U\+002B\).*Entra does not allow/],
  ["LATIN SMALL LONG S", "\u017Fam@contoso.com", /U\+017F/],
  ["dotless i", "k\u0131rk@contoso.com", /U\+0131/],
];

describe("the identity comparison", () => {
  it.each(LOOK_ALIKES)(
    "refuses %s with a reason naming the character, never folding it",
    (_what, address, says) => {
      const checked = checkAddress(address);
      expect(checked.ok).toBe(false);
      if (checked.ok) return;
      expect(checked.reason).toMatch(says);
    },
  );

  it("folds ASCII case only: mixed case is the same account", () => {
    expect(checkAddress("Kirk@Contoso.COM")).toEqual({ ok: true, key: "kirk@contoso.com" });
    expect(checkAddress("alice_fabrikam.com#EXT#@contoso.onmicrosoft.com")).toEqual({
      ok: true,
      key: "alice_fabrikam.com#ext#@contoso.onmicrosoft.com",
    });
    expect(checkAddress("$svc-backup@contoso.com")).toMatchObject({ ok: true });
  });

  it("gives a look-alike no role and no protection held by the account it imitates", () => {
    const policy = parsePolicy(
      { roles: { approver: ["kirk@contoso.com"] }, protected: ["kirk@contoso.com"] },
      "p.json",
    );
    for (const [, address] of LOOK_ALIKES) {
      expect(rolesFor(policy, address, [])).toEqual([]);
      expect(isProtected(policy, address)).toBe(false);
    }
    expect(rolesFor(policy, "KIRK@contoso.com", [])).toEqual(["approver"]);
    expect(rolesFor(policy, "kirk+admin@contoso.com", [])).toEqual([]);
  });

  it("refuses a policy entry that would fold into another account's name, saying why", () => {
    let problems: readonly string[] = [];
    try {
      parsePolicy(
        { roles: { admin: [`${KELVIN}irk@contoso.com`] }, protected: ["bre\u0430kglass@contoso.com"] },
        "p.json",
      );
    } catch (err) {
      expect(err).toBeInstanceOf(PolicyError);
      problems = (err as PolicyError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^roles\.admin\[0\] ".*irk@contoso\.com" is refused: .*U\+212A.*NFKC/),
      expect.stringMatching(/^protected\[0\] ".*" is refused: .*U\+0430.*Entra does not allow/),
    ]);
  });
});

describe("a Slack account whose email imitates an approver's, over real HTTP", () => {
  const KIRK = "kirk@contoso.com";
  const IMPOSTOR = { id: "U0IMPOSTOR", name: "kirk", realName: "Kirk", email: `${KELVIN}irk@contoso.com` };
  let e2e: SlackEndToEnd;

  localNetworkOnly();

  beforeAll(async () => {
    e2e = await SlackEndToEnd.start({
      policy: parsePolicy(
        {
          roles: { helpdesk: [HELPDESK], admin: [ADMIN], approver: [MANAGER, KIRK] },
          protected: [BREAKGLASS],
        },
        "(test policy)",
      ),
    });
    e2e.fake.addUser(IMPOSTOR);
  });

  afterAll(async () => {
    await e2e?.close();
  });

  it("cannot approve as kirk: the click is refused and audited as refused, and nothing changes", async () => {
    const target = SANDBOX_SAMPLE_USERS.enabledUnregistered.userPrincipalName;
    const driver = slackDriver(e2e);
    const sent = await e2e.slash(PEOPLE.admin, `disable ${target}`);
    const { approvalId, card } = await driver.approvalCard(sent);

    const responseUrl = e2e.fake.responseUrl();
    const payload = blockActionPayload({
      actionId: DECISION_ACTION_IDS.approve,
      value: approvalId,
      userId: IMPOSTOR.id,
      userName: IMPOSTOR.name,
      teamId: e2e.fake.teamId,
      channelId: "C0MFAOPS",
      messageTs: card,
      responseUrl,
    });
    const ack = await postSigned(e2e.url, SIGNING_SECRET, interactivityBody(payload));
    expect(ack.status).toBe(200);
    const answer = JSON.stringify(await e2e.answerAt(responseUrl));
    expect(answer).toMatch(/cannot act for you/);
    expect(answer).toMatch(/U\+212A/);
    await e2e.settle();

    const entries = await e2e.worker.deps().audit.forOperation(approvalId);
    expect(entries).toContainEqual(
      expect.objectContaining({ action: "approve", result: "refused", actor: IMPOSTOR.email }),
    );
    expect(entries.some((e) => e.result === "ok" && e.action === "approve")).toBe(false);
    expect(entries.some((e) => e.actor === KIRK)).toBe(false);
    const found = await e2e.worker.deps().operations.get(approvalId);
    expect(found?.state.status).toBe("pending");
    expect(found?.state.decidedBy).toBeUndefined();
    expect(e2e.worker.sandbox.tenant.user(target)?.perUserMfaState).toBe("enabled");
  });
});
