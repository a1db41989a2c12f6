import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { parseCommand } from "../../src/core/grammar.js";
import type { Requester } from "../../src/queue/from-command.js";
import { buildJob } from "../../src/queue/from-command.js";
import { SANDBOX_SAMPLE_USERS } from "../../src/sandbox/default-seed.js";
import { ADMIN, MANAGER, testPolicy, WorkerHarness } from "../helpers/worker-harness.js";

/**
 * Who requireLinkedIdentity covers, at the worker (README, "Verified identity"): Slack accounts
 * that are not linked, and Teams in emulator mode; not Teams' signed senders, nor the console,
 * which acts as `--as` for whoever can reach the bot's Redis.
 */

const ALEX = SANDBOX_SAMPLE_USERS.disabledUnregistered.userPrincipalName;

describe("requireLinkedIdentity at the worker", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  /** `text` as `requester` would send it; the answer comes to the harness's console mailbox. */
  async function sendAs(requester: Requester, text: string): Promise<string> {
    const parsed = parseCommand(text);
    if (!parsed.ok) throw new Error(parsed.error);
    const requestId = randomUUID();
    const built = await buildJob(
      parsed.command,
      requester,
      h.replyTo(requester.upn, requestId),
      async () => [],
      requestId,
    );
    if (!built.ok) throw new Error(built.error);
    await h.queue.enqueue(built.job);
    return requestId;
  }

  async function answerText(requestId: string): Promise<string> {
    const answer = await h.answerTo(requestId);
    return answer.outcome.kind === "text" ? answer.outcome.text : answer.outcome.kind;
  }

  it("leaves the console and Teams' signed senders alone, and refuses Teams' unsigned ones", async () => {
    h = await WorkerHarness.start({ policy: testPolicy({ requireLinkedIdentity: ["admin"] }) });
    // The console: the admin acts as --as.
    expect((await h.answerTo(await h.send(ADMIN, `enable ${ALEX}`))).outcome.kind).toBe("change");

    const teams = { platform: "teams" as const, chatUserId: "29:admin", upn: ADMIN };
    expect(await answerText(await sendAs(teams, "report"))).not.toMatch(/cannot do that/);
    const emulator = await answerText(await sendAs({ ...teams, unauthenticated: true }, "report"));
    expect(emulator).toContain(
      "I cannot do that for you: the policy lets the admin role act only with a verified identity, and this bot's Teams endpoint runs in emulator mode",
    );
  });

  it("refuses an unlinked Slack account in a covered role, and says when linking is not set up", async () => {
    h = await WorkerHarness.start({ policy: testPolicy({ requireLinkedIdentity: ["approve", "admin"] }) });
    const slack = { platform: "slack" as const, chatUserId: "U0ADMIN", upn: ADMIN, teamId: "T0CONTOSO" };
    const refused = await answerText(await sendAs(slack, "report"));
    expect(refused).toContain(
      "the policy lets the admin and approver roles act from Slack only through an account linked to Entra by signing in, and your Slack account is not linked to Microsoft Entra. Nothing was done.",
    );
    expect(refused).toContain("Signing in to link a chat account is not set up for this bot");
    // `link` says the same; roles the policy does not cover act as before.
    expect(await answerText(await sendAs(slack, "link"))).toContain("is not set up for this bot");
    const helpdesk = { ...slack, chatUserId: "U0HELPDESK", upn: "helpdesk@contoso.com" };
    expect(await answerText(await sendAs(helpdesk, `audit ${ALEX}`))).not.toMatch(/cannot do that/);
  });

  it("lists links to admins in one message: the first fifteen, each checked in the directory, and how many more", async () => {
    h = await WorkerHarness.start();
    const manager = h.sandbox.tenant.user(MANAGER)!;
    for (let i = 0; i < 17; i++) {
      await h.deps().links.set({
        account: { platform: "slack", teamId: "T0CONTOSO", userId: `U0PERSON${String(i).padStart(2, "0")}` },
        objectId: i === 0 ? "00000000-0000-0000-0000-00000000dead" : manager.id,
        tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        upn: MANAGER,
        linkedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      });
    }
    const text = await answerText(await h.send(ADMIN, "links"));
    expect(text).toContain("17 linked chat account(s). The policy requires no linked accounts");
    expect(text.split("\n").filter((line) => line.startsWith("• "))).toHaveLength(15);
    expect(text).toContain("… and 2 more");
    expect(text).toContain(
      "• Slack user U0PERSON00 (workspace T0CONTOSO) → manager@contoso.com (object id 00000000-0000-0000-0000-00000000dead), linked 2026-01-01T00:00:00.000Z — the Entra account no longer exists: the link does not count",
    );
    expect(text).not.toContain("U0PERSON16");
  });

  it("answers `link` and `unlink` in the console with why there is nothing to link", async () => {
    h = await WorkerHarness.start();
    for (const verb of ["link", "unlink"]) {
      const answer = await h.answerTo(await h.send(MANAGER, verb));
      expect(answer.outcome).toMatchObject({
        kind: "text",
        text: expect.stringContaining("The console acts as the address given with `--as`"),
      });
    }
  });
});
