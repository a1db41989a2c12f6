import { afterEach, describe, expect, it } from "vitest";
import { ADMIN, FaultRig, sleep, summaryCounts, until } from "./fault-rig.js";

/**
 * Each fault the bot promises to recover from, injected while a bulk enable runs, against real
 * processes (fault-rig.ts). Every scenario ends the same way: every user in the target state,
 * each written at most twice, one summary in the channel, the approval card updated, and an "ok"
 * audit entry for every user. `npm test` runs the short version (small bulk, short outages);
 * `npm run test:faults` the long one (FAULTS=long: 500 users, a 30 s Redis outage, a 60 s Graph
 * outage), which prints the figures the README's targets are measured by. Times are printed,
 * never asserted beyond bounds no healthy run comes near.
 */
const LONG = process.env.FAULTS === "long";
const SCALE = LONG
  ? { users: 500, graphRps: 60, redisOutageMs: 30_000, graphOutageS: 60, slackOutageMs: 30_000 }
  : { users: 60, graphRps: 40, redisOutageMs: 3_000, graphOutageS: 8, slackOutageMs: 8_000 };
const BUDGET_MS = LONG ? 600_000 : 150_000;

const figures: Record<string, string> = {};
function report(name: string, value: string) {
  figures[name] = value;
  process.stdout.write(`fault suite: ${name}: ${value}\n`);
}

/** The end state every scenario must reach. */
async function expectRecovered(rig: FaultRig, operationId: string, cardTs: string) {
  const summary = await until(() => rig.summaries()[0], BUDGET_MS, "the summary");
  await sleep(1_500);
  expect(rig.summaries()).toHaveLength(1);
  expect(summaryCounts(summary)).toEqual({ changed: SCALE.users, failed: 0 });
  const users = rig.benchUsers();
  expect(users).toHaveLength(SCALE.users);
  for (const user of users) {
    expect(user.perUserMfaState, user.userPrincipalName).toBe("enabled");
    const writes = rig.writes.get(user.id.toLowerCase())?.length ?? 0;
    expect(writes, user.userPrincipalName).toBeGreaterThanOrEqual(1);
    expect(writes, user.userPrincipalName).toBeLessThanOrEqual(2);
  }
  const card = [...rig.slack.messages.values()].find((m) => m.ts === cardTs);
  await until(
    () => card?.edits.some((e) => JSON.stringify(e.blocks).includes("Applied: ")),
    30_000,
    "the card to say Applied",
  ).catch((err) => {
    throw new Error(`${err.message}: ${JSON.stringify(card?.edits.map((e) => e.blocks))}`);
  });
  const audit = await rig.audit(operationId);
  const ok = new Set(audit.filter((e) => e.result === "ok").map((e) => e.target));
  for (const user of users) expect(ok.has(user.userPrincipalName), user.userPrincipalName).toBe(true);
  return summary;
}

function firstWriteAfter(rig: FaultRig, at: number): number {
  let first = Number.POSITIVE_INFINITY;
  for (const times of rig.writes.values()) for (const t of times) if (t >= at && t < first) first = t;
  return first;
}

async function bulkTime(rig: FaultRig): Promise<number> {
  const started = Date.now();
  const { operationId, cardTs } = await rig.startBulk();
  await expectRecovered(rig, operationId, cardTs);
  return Date.now() - started;
}

describe(`fault suite (${LONG ? "long" : "short"})`, () => {
  let rig: FaultRig | undefined;
  let undisturbedMs = 0;

  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it(
    "undisturbed: the baseline the others are measured against",
    async () => {
      rig = await FaultRig.start(SCALE);
      await rig.startProcess("serve");
      await rig.startProcess("worker");
      undisturbedMs = await bulkTime(rig);
      report("undisturbed bulk", `${(undisturbedMs / 1000).toFixed(1)} s for ${SCALE.users} users`);
    },
    BUDGET_MS,
  );

  it(
    "worker SIGKILLed mid-bulk, a new one started: it takes the job over and finishes it",
    async () => {
      rig = await FaultRig.start(SCALE);
      const r = rig;
      const { worker: first, startedAt: started, operationId, cardTs } = await r.bulkUnderWay(0.3);
      first.child.kill("SIGKILL");
      await until(() => first.child.exitCode !== null || first.child.signalCode !== null, 10_000, "the kill");
      const second = await r.startProcess("worker");
      await expectRecovered(r, operationId, cardTs);
      const takeoverMs = firstWriteAfter(r, second.startedAt) - second.startedAt;
      const totalMs = Date.now() - started;
      report(
        "SIGKILL: first write by the new worker",
        `${(takeoverMs / 1000).toFixed(1)} s after it started (target ≤ 15 s)`,
      );
      report(
        "SIGKILL: total bulk",
        `${(totalMs / 1000).toFixed(1)} s, undisturbed ${(undisturbedMs / 1000).toFixed(1)} s (target ≤ undisturbed + 20 s)`,
      );
      // A bound no healthy takeover comes near (the design's worst case is 14 s).
      expect(takeoverMs).toBeLessThan(60_000);
      expect(second.run.stderr()).toContain("took over a job whose worker stopped");
    },
    BUDGET_MS,
  );

  it(
    "Redis restarted mid-bulk (AOF on): Slack is answered at once meanwhile, the bulk completes, nothing lost",
    async () => {
      rig = await FaultRig.start(SCALE);
      const r = rig;
      const { serve, startedAt, operationId, cardTs } = await r.bulkUnderWay(0.3);
      await r.redis.down();
      const ready = await fetch(`${r.base}/readyz`, { signal: AbortSignal.timeout(5_000) });
      expect(ready.status).toBe(503);
      const metrics = await r.metrics();
      expect(metrics).toMatch(/^mfa_bot_redis_up 0$/m);
      const command = await r.slash(ADMIN, "status alexw@contoso.com");
      expect(command.status).toBe(200);
      expect(command.text).toContain("temporarily unavailable, nothing was done");
      report("Redis down: Slack command answered", `${command.ms.toFixed(0)} ms (target < 3 s)`);
      expect(command.ms).toBeLessThan(3_000);
      await sleep(SCALE.redisOutageMs);
      await r.redis.up();
      await until(
        async () => (await fetch(`${r.base}/readyz`, { signal: AbortSignal.timeout(5_000) })).status === 200,
        30_000,
        "/readyz to say ready again",
      );
      await expectRecovered(r, operationId, cardTs);
      report(
        `Redis restart (${SCALE.redisOutageMs / 1000} s down)`,
        `bulk completed in ${((Date.now() - startedAt) / 1000).toFixed(1)} s, every user enabled, every result audited`,
      );
      // One line per outage, not a stack trace per retry.
      expect(serve.run.stderr()).not.toMatch(/\n\s+at /);
    },
    BUDGET_MS,
  );

  it(
    "Graph unavailable mid-bulk: the bulk pauses, resumes, and fails nobody",
    async () => {
      rig = await FaultRig.start(SCALE);
      const r = rig;
      const { worker, startedAt, operationId, cardTs } = await r.bulkUnderWay(0.3);
      const outage = await fetch(`${r.sandbox.url}/_sandbox/outage`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ mode: "unavailable", seconds: SCALE.graphOutageS }),
      });
      expect(outage.status).toBe(200);
      const summary = await expectRecovered(r, operationId, cardTs);
      report(
        `Graph outage (${SCALE.graphOutageS} s)`,
        `${summaryCounts(summary)?.failed} users failed (target 0); bulk completed in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
      );
      expect(worker.run.stderr()).toContain("graph request");
    },
    BUDGET_MS,
  );

  it(
    "Slack away when the summary is due: the outbox keeps it, and delivers it once Slack answers",
    async () => {
      rig = await FaultRig.start(SCALE);
      const r = rig;
      const { worker, operationId, cardTs } = await r.bulkUnderWay(0.8);
      r.slack.outage(SCALE.slackOutageMs);
      await expectRecovered(r, operationId, cardTs);
      expect(worker.run.stderr()).toContain("message kept in the outbox");
      // The reminders' DMs queued during the outage drain too.
      const metrics = await until(
        async () => {
          const text = await r.metrics();
          return /^mfa_bot_outbox_pending 0$/m.test(text) && text;
        },
        60_000,
        "the outbox to empty",
      );
      expect(metrics).toMatch(/^mfa_bot_outbox_undeliverable_total 0$/m);
      report(
        `Slack outage (${SCALE.slackOutageMs / 1000} s)`,
        "summary delivered once, card updated, 0 undeliverable",
      );
    },
    BUDGET_MS,
  );
});
