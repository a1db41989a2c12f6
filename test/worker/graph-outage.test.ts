import { afterEach, describe, expect, it } from "vitest";
import { parsePolicy } from "../../src/config/policy.js";
import { BENCH_GROUP_ID, generateSeed } from "../../src/sandbox/index.js";
import type { OutageMode } from "../../src/sandbox/outage.js";
import {
  ADMIN,
  BREAKGLASS,
  HARNESS_SETTINGS,
  HELPDESK,
  MANAGER,
  WorkerHarness,
} from "../helpers/worker-harness.js";

const USERS = 40;
const POLICY = {
  roles: { helpdesk: [HELPDESK], admin: [ADMIN], approver: [MANAGER] },
  protected: [BREAKGLASS],
  requireApproval: ["bulk"],
};

async function until(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function startOutage(h: WorkerHarness, mode: OutageMode, seconds: number) {
  const answer = await fetch(`${h.sandbox.url}/_sandbox/outage`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode, seconds }),
  });
  expect(answer.status).toBe(200);
}

/**
 * A bulk under way when Graph goes away. The Graph client's own retries are short here (a few
 * seconds in all), so the outage outlasts them and the operation must pause, not fail users.
 */
async function bulkThroughOutage(mode: OutageMode, outageSeconds: number, outageMinutes: number) {
  const h = await WorkerHarness.start({
    sandbox: { seed: generateSeed({ users: USERS }), latencyMs: 5 },
    policy: parsePolicy(POLICY, "(test policy)"),
    requestsPerSecond: 60,
    graph: { maxRetries: 2, backoffBaseMs: 50, maxBackoffMs: 200, requestTimeoutMs: 500 },
    worker: {
      settings: { ...HARNESS_SETTINGS, graphOutageMinutes: outageMinutes, graphOutagePauseMs: 200 },
    },
  });
  const patches = h.countPatches();
  await h.send(ADMIN, `bulk enable group:${BENCH_GROUP_ID}`);
  const card = await h.waitFor((m) => m.type === "post" && m.outcome.kind === "approval", 60_000);
  if (card.outcome.kind !== "approval") throw new Error("expected an approval card");
  await h.send(MANAGER, `approve ${card.outcome.approval.id}`);
  await until(() => patches.size >= 10, 60_000, "the bulk to be under way");
  await startOutage(h, mode, outageSeconds);
  const summary = await h.waitFor((m) => m.outcome.kind === "summary", 120_000);
  if (summary.outcome.kind !== "summary") throw new Error("expected a summary");
  return { h, patches, summary: summary.outcome };
}

describe("a Graph outage in the middle of a bulk", () => {
  let h: WorkerHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it.each<OutageMode>(["unavailable", "timeout", "refused"])(
    "%s for longer than the client's retries: the bulk pauses, resumes, and fails nobody",
    async (mode) => {
      const run = await bulkThroughOutage(mode, 3, 15);
      h = run.h;
      expect(run.summary.failed).toEqual([]);
      expect(run.summary.changed).toHaveLength(USERS);
      const users = h.sandbox.tenant.allUsers().filter((u) => u.userPrincipalName.startsWith("user"));
      for (const user of users) expect(user.perUserMfaState, user.userPrincipalName).toBe("enabled");
      expect(Math.max(...run.patches.values())).toBeLessThanOrEqual(2);
    },
    120_000,
  );

  it("an outage longer than the operation's budget: the users still waiting are failed, with the reason", async () => {
    const run = await bulkThroughOutage("unavailable", 60, 0.05);
    h = run.h;
    expect(run.summary.failed.length).toBeGreaterThan(0);
    expect(run.summary.changed.length + run.summary.failed.length).toBe(USERS);
    for (const failure of run.summary.failed) {
      expect(failure.reason).toMatch(
        /^Microsoft Graph did not answer for 0.05 min: .*Microsoft Graph is unavailable \(HTTP 503\)/,
      );
    }
  }, 120_000);
});
