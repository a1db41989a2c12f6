import { afterEach, describe, expect, it } from "vitest";
import { createGraphDirectory } from "../../src/directory/graph/index.js";
import { SANDBOX_SAMPLE_USERS } from "../../src/sandbox/default-seed.js";
import { ADMIN, HELPDESK, testPolicy, WorkerHarness } from "../helpers/worker-harness.js";

const U = SANDBOX_SAMPLE_USERS;
const REPORT_ROUTE = "GET /v1.0/reports/authenticationMethods/userRegistrationDetails/{id}";
const METHODS_ROUTE = "GET /v1.0/users/{id}/authentication/methods";

/**
 * The registration report lags changes by up to a few hours; the sandbox keeps its copy of
 * a user for three hours here. Issue 9, problem 4: `status` right after `reregister` showed
 * the methods the bot had just deleted.
 */
describe("registration after the bot changed a user", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  it("is read live, by any worker process, while the report still shows the old methods", async () => {
    h = await WorkerHarness.start({
      sandbox: { reportLatencyMs: 3 * 3600_000 },
      policy: testPolicy({ requireApproval: [] }),
    });
    const allan = U.severalMethods.userPrincipalName;
    const before = await h.answerTo(await h.send(HELPDESK, `status ${allan}`));
    expect(before.outcome).toMatchObject({ kind: "status", registration: { isMfaRegistered: true } });

    const done = await h.answerTo(await h.send(ADMIN, `reregister ${allan}`));
    expect(done.outcome).toMatchObject({ kind: "change", results: [{ upn: allan, ok: true }] });
    expect(h.sandbox.tenant.user(allan)?.methods).toEqual([]);

    // Another worker process, with a Graph client of its own: nothing but Redis is shared.
    const first = h.runtimes.shift();
    await first?.close();
    h.startWorker({
      directory: createGraphDirectory({
        graphBaseUrl: h.sandbox.url,
        authorityHost: h.sandbox.url,
        tenantId: "sandbox",
        clientId: "sandbox",
        clientSecret: "sandbox",
        requestsPerSecond: 1_000,
      }),
    });
    const reports = h.sandbox.stats.count(REPORT_ROUTE);
    const after = await h.answerTo(await h.send(HELPDESK, `status ${allan}`));
    expect(after.outcome).toMatchObject({
      kind: "status",
      registration: { isMfaRegistered: false, methods: [] },
    });
    expect(h.sandbox.stats.count(REPORT_ROUTE)).toBe(reports);

    // Someone the bot did not change is still read from the report.
    const methods = h.sandbox.stats.count(METHODS_ROUTE);
    await h.answerTo(await h.send(HELPDESK, `status ${U.mailDiffersFromUpn.userPrincipalName}`));
    expect(h.sandbox.stats.count(REPORT_ROUTE)).toBe(reports + 1);
    expect(h.sandbox.stats.count(METHODS_ROUTE)).toBe(methods);
  });
});
