import { afterEach, describe, expect, it } from "vitest";
import { ConsoleNotifier } from "../../adapters/console/notifier.js";
import { parsePolicy } from "../../src/config/policy.js";
import { createGraphDirectory } from "../../src/directory/graph/index.js";
import { BENCH_DOMAIN, generateSeed } from "../../src/sandbox/index.js";
import { ThrottleRelay } from "../../src/worker/throttle-relay.js";
import { ADMIN, HELPDESK, MANAGER, WorkerHarness } from "../helpers/worker-harness.js";

const USERS = 8;

describe("Graph answers 429", () => {
  let h: WorkerHarness | undefined;
  afterEach(async () => {
    await h?.close();
  });

  it("a 429 from Graph pauses only its route class, not the queue, and the jobs still succeed", async () => {
    h = await WorkerHarness.start({
      // Far below what the client sends: Graph's limit, not the client's budget, decides.
      sandbox: { seed: generateSeed({ users: USERS }), rateLimit: 8 },
      policy: parsePolicy({ roles: { helpdesk: [HELPDESK], admin: [ADMIN], approver: [MANAGER] } }, "(test)"),
      startWorker: false,
    });
    const harness = h;
    const relay = new ThrottleRelay();
    const queuePauses: number[] = [];
    const classPauses: string[] = [];
    const attach = relay.attach.bind(relay);
    relay.attach = (pause) =>
      attach((ms) => {
        queuePauses.push(ms);
        return pause(ms);
      });
    const directory = createGraphDirectory({
      graphBaseUrl: harness.sandbox.url,
      authorityHost: harness.sandbox.url,
      tenantId: "sandbox",
      clientId: "sandbox",
      clientSecret: "sandbox",
      backoffBaseMs: 20,
      maxBackoffMs: 1_000,
      requestsPerSecond: 1_000,
      onThrottle: (ms, routeClass) => {
        if (routeClass) classPauses.push(routeClass);
        relay.onThrottle(ms, routeClass);
      },
    });
    harness.startWorker({
      directory,
      throttle: relay,
      notifiers: (state, p) => ({ console: new ConsoleNotifier(state, p) }),
    });

    const upns = Array.from(
      { length: USERS },
      (_, i) => `user${String(i + 1).padStart(4, "0")}@${BENCH_DOMAIN}`,
    );
    const ids = await Promise.all(upns.map((upn) => harness.send(ADMIN, `enable ${upn}`)));
    const answers = await Promise.all(ids.map((id) => harness.answerTo(id, 60_000)));

    expect(harness.sandbox.stats.snapshot().throttled).toBeGreaterThan(0);
    // The sandbox's plain --rate-limit throttles whatever comes: each 429 paused its own class
    // in the Graph budget, and the queue kept taking jobs (a status is not held up by writes).
    expect(classPauses.length).toBeGreaterThan(0);
    expect(queuePauses).toEqual([]);
    for (const [i, answer] of answers.entries()) {
      expect(answer.outcome).toMatchObject({
        kind: "change",
        results: [{ upn: upns[i], ok: true, now: "enabled" }],
      });
      expect(harness.sandbox.tenant.user(upns[i] as string)?.perUserMfaState).toBe("enabled");
    }
    // The answer goes out before its job is marked complete: wait for the queue to settle.
    for (let i = 0; i < 100; i++) {
      const busy = await harness.queue.queue.getJobCounts("active", "waiting", "prioritized");
      if ((busy.active ?? 0) + (busy.waiting ?? 0) + (busy.prioritized ?? 0) === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const counts = await harness.queue.queue.getJobCounts("completed", "failed");
    expect(counts.failed).toBe(0);
    // A request and an apply per enable.
    expect(counts.completed).toBeGreaterThanOrEqual(USERS * 2);
  }, 90_000);
});
