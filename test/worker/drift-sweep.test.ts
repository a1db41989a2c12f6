import type { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { ConsoleNotifier } from "../../adapters/console/notifier.js";
import { BENCH_GROUP_ID, generateSeed } from "../../src/sandbox/index.js";
import { sliceSize, sweepDrift } from "../../src/worker/drift-sweep.js";
import { ADMIN, MANAGER, testPolicy, WorkerHarness } from "../helpers/worker-harness.js";

/** Alerts to "Slack" land in the console mailbox the harness reads. */
const WITH_ALERTS = {
  notifiers: (state: Redis, p: string) => ({
    console: new ConsoleNotifier(state, p),
    slack: new ConsoleNotifier(state, p),
  }),
};

const USERS = 1200;
const READ_ROUTE = "GET /beta/users/{id}/authentication/requirements";

describe("the drift sweep", () => {
  let h: WorkerHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function tracked(harness: WorkerHarness): Promise<Array<{ id: string; upn: string }>> {
    const users = harness.sandbox.tenant.transitiveUserMembers(BENCH_GROUP_ID) ?? [];
    await harness.deps().drift.record(
      users.map((u) => ({
        userId: u.id,
        upn: u.userPrincipalName,
        state: u.perUserMfaState,
        operationId: "abcd2345",
        at: new Date().toISOString(),
      })),
    );
    return users.map((u) => ({ id: u.id, upn: u.userPrincipalName }));
  }

  it("reads the users the audit log names plus a slice, not the whole tenant, and alerts each change once", async () => {
    const harness = await WorkerHarness.start({
      sandbox: { seed: generateSeed({ users: USERS }) },
      policy: testPolicy({ driftSweep: { everyMinutes: 60 }, alerts: { slackChannel: "C0ALERTS" } }),
      worker: WITH_ALERTS,
    });
    h = harness;
    const users = await tracked(harness);
    // Two changed in the admin center (the audit log names them), far apart in the hash.
    harness.sandbox.tenant.changeMfaStateAsAdmin(users[7]!.id, "enabled", MANAGER);
    harness.sandbox.tenant.changeMfaStateAsAdmin(users[1100]!.id, "enabled", MANAGER);
    const readsBefore = harness.sandbox.stats.count(READ_ROUTE);
    const first = await sweepDrift(harness.deps());
    expect(first.alerted).toBe(2);
    const reads = harness.sandbox.stats.count(READ_ROUTE) - readsBefore;
    expect(reads).toBeLessThan(USERS / 2);
    expect(reads).toBeLessThanOrEqual(sliceSize(USERS, 60) * 1.2 + 2);
    const expected = await harness.deps().drift.get([users[7]!.id]);
    expect(expected.get(users[7]!.id.toLowerCase())?.reported).toBe("enabled");

    expect((await sweepDrift(harness.deps())).alerted).toBe(0);
    const trail = await harness.deps().audit.forOperation("abcd2345");
    expect(trail.filter((e) => e.action === "drift").map((e) => e.detail)).toEqual([
      expect.stringContaining(`changed by ${MANAGER}`),
      expect.stringContaining(`changed by ${MANAGER}`),
    ]);
  });

  it("two sweeps at once (a job taken over from a worker that only looked dead) alert a change once", async () => {
    const harness = await WorkerHarness.start({
      sandbox: { seed: generateSeed({ users: 50 }) },
      policy: testPolicy({ driftSweep: { everyMinutes: 60 }, alerts: { slackChannel: "C0ALERTS" } }),
      worker: WITH_ALERTS,
    });
    h = harness;
    const users = await tracked(harness);
    harness.sandbox.tenant.changeMfaStateAsAdmin(users[3]!.id, "enabled", MANAGER);
    const [a, b] = await Promise.all([sweepDrift(harness.deps()), sweepDrift(harness.deps())]);
    expect(a.alerted + b.alerted).toBe(1);
    expect((await sweepDrift(harness.deps())).alerted).toBe(0);
  });

  it("finds a change the audit log does not name within one pass over the slices", async () => {
    const harness = await WorkerHarness.start({
      sandbox: { seed: generateSeed({ users: USERS }) },
      policy: testPolicy({ driftSweep: { everyMinutes: 60 }, alerts: { slackChannel: "C0ALERTS" } }),
      worker: WITH_ALERTS,
    });
    h = harness;
    const users = await tracked(harness);
    harness.sandbox.tenant.setMfaState(users[500]!.id, "enabled");
    let alerted = 0;
    const pass = Math.ceil(USERS / sliceSize(USERS, 60)) + 1;
    for (let sweep = 0; sweep < pass && alerted === 0; sweep++)
      alerted += (await sweepDrift(harness.deps())).alerted;
    expect(alerted).toBe(1);
  });
});

describe("the drift sweep and registration", () => {
  it("does not alert when an Enabled user registers and turns Enforced by themselves", async () => {
    const h = await WorkerHarness.start({
      policy: testPolicy({ driftSweep: { everyMinutes: 60 }, alerts: { slackChannel: "C0ALERTS" } }),
      worker: WITH_ALERTS,
    });
    try {
      const upn = "alexw@contoso.com";
      const alex = h.sandbox.tenant.user(upn)!;
      await h.answerTo(await h.send(ADMIN, `enable ${upn}`));
      expect((await h.deps().drift.get([alex.id])).get(alex.id.toLowerCase())?.state).toBe("enabled");
      h.sandbox.tenant.register(upn, { id: "m1", type: "microsoftAuthenticator" });
      h.sandbox.tenant.signIn(upn);
      expect(h.sandbox.tenant.user(upn)?.perUserMfaState).toBe("enforced");
      expect((await sweepDrift(h.deps())).alerted).toBe(0);
      // Enforced is now what a later change is compared with.
      expect((await h.deps().drift.get([alex.id])).get(alex.id.toLowerCase())?.state).toBe("enforced");
      h.sandbox.tenant.changeMfaStateAsAdmin(upn, "disabled", MANAGER);
      expect((await sweepDrift(h.deps())).alerted).toBe(1);
    } finally {
      await h.close();
    }
  });
});

describe("an alert nobody took", () => {
  it("is not marked as posted: the next sweep tries again", async () => {
    // No notifier for Slack: the post fails.
    const h = await WorkerHarness.start({
      policy: testPolicy({ driftSweep: { everyMinutes: 60 }, alerts: { slackChannel: "C0ALERTS" } }),
    });
    try {
      const upn = "alexw@contoso.com";
      await h.answerTo(await h.send(ADMIN, `enable ${upn}`));
      h.sandbox.tenant.changeMfaStateAsAdmin(upn, "disabled", MANAGER);
      expect((await sweepDrift(h.deps())).alerted).toBe(0);
      const id = h.sandbox.tenant.user(upn)!.id.toLowerCase();
      expect((await h.deps().drift.get([id])).get(id)?.reported).toBeUndefined();
    } finally {
      await h.close();
    }
  });
});

describe("sliceSize", () => {
  it("sizes slices so that every user is read at least once a day", () => {
    expect(sliceSize(100, 60)).toBe(500);
    expect(sliceSize(50_000, 60)).toBe(Math.ceil(50_000 / 24));
    expect(sliceSize(50_000, 1440)).toBe(50_000);
  });
});

describe("the sandbox's directory audit log, through the Graph client", () => {
  it("serves Microsoft's directoryAudit shape, newest first, filtered by activityDateTime ge, over pages", async () => {
    const h2 = await WorkerHarness.start({ sandbox: { pageSize: 1 } });
    try {
      const before = new Date(Date.now() - 1000);
      const tenant = h2.sandbox.tenant;
      tenant.changeMfaStateAsAdmin("alexw@contoso.com", "enabled", MANAGER);
      tenant.changeMfaStateAsAdmin("adelev@contoso.com", "disabled", MANAGER);
      const audits = await h2.deps().directory.directoryAudits(before);
      expect(audits).toHaveLength(2);
      expect(audits[0]).toMatchObject({ activity: "Update user", initiatedBy: MANAGER });
      expect(audits[0]!.targetUserIds).toEqual([tenant.user("adelev@contoso.com")!.id.toLowerCase()]);
      expect(await h2.deps().directory.directoryAudits(new Date(Date.now() + 60_000))).toEqual([]);
      const record = tenant.directoryAudits[0]!;
      expect(record.targetResources[0]!.modifiedProperties[0]).toMatchObject({
        displayName: "StrongAuthenticationRequirement",
      });
    } finally {
      await h2.close();
    }
  });
});
