import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../../src/config/policy.js";
import { SANDBOX_SAMPLE_USERS } from "../../../src/sandbox/default-seed.js";
import { localNetworkOnly } from "../../helpers/local-network.js";
import { ADMIN, HELPDESK, MANAGER } from "../../helpers/worker-harness.js";
import { endToEndRuns } from "../end-to-end/scenarios.js";
import { TeamsEndToEnd, teamsDriver } from "./end-to-end-harness.js";

/**
 * Issue 16 at Teams. The Bot Framework signs the sender's Entra object id into every activity, so
 * a registered bot needs no link; in emulator mode (empty MicrosoftAppId, as this harness runs
 * `serve`) nothing is signed, and requireLinkedIdentity refuses every role it covers, saying why.
 */

const POLICY = parsePolicy(
  {
    roles: { helpdesk: [HELPDESK], admin: [ADMIN], approver: [MANAGER] },
    requireLinkedIdentity: ["approve"],
  },
  "(teams linked-identity policy)",
);
const ALEX = SANDBOX_SAMPLE_USERS.disabledUnregistered;

let e2e: TeamsEndToEnd;
const runs = endToEndRuns(async () => {
  e2e = await TeamsEndToEnd.start({ policy: POLICY });
  return e2e;
});

localNetworkOnly();

describe("Teams in emulator mode under requireLinkedIdentity", () => {
  it("refuses an approver's click, says why, and changes nothing; roles it does not cover act as before", async () => {
    await runs.start();
    const d = teamsDriver(e2e);
    const sent = await d.type("admin", `bulk enable ${ALEX.userPrincipalName}`, { inChannel: true });
    const { approvalId, card } = await d.approvalCard(sent);
    const click = await d.click("manager", "approve", approvalId, card);
    expect(click.status).toBe(200);
    await d.settle();
    const answers = d.answersToClicks("manager", [click]).join("\n");
    expect(answers).toContain(`You cannot approve ${approvalId}`);
    expect(answers).toContain(
      "the policy lets the approver role act only with a verified identity, and this bot's Teams endpoint runs in emulator mode (MicrosoftAppId is empty), which verifies nobody",
    );
    expect(e2e.patches.size).toBe(0);
    const operation = await e2e.worker.deps().operations.get(approvalId);
    expect(operation?.state.status).toBe("pending");

    // The helpdesk is not covered: it acts on the word of the emulator, as before.
    const status = await d.answerTo(await d.type("helpdesk", `status ${ALEX.userPrincipalName}`));
    expect(status).toContain(ALEX.userPrincipalName);
  });

  it("answers `link` with why there is nothing to link here", async () => {
    await runs.start();
    const d = teamsDriver(e2e);
    const answer = await d.answerTo(await d.type("manager", "link"));
    expect(answer).toContain(
      "runs in emulator mode (MicrosoftAppId is empty), which checks nobody's identity",
    );
  });
});
