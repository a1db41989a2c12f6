import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed, generateSeed, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/index.js";
import { ADMIN, HELPDESK, WorkerHarness } from "../helpers/worker-harness.js";

/**
 * Registration read in bulk, against a sandbox that throttles the registration report as
 * Graph documents (5 requests per 10 s): a bulk's preview and `report` never ask the report
 * about one user at a time, and still say who must re-register or has not registered.
 */

const U = SANDBOX_SAMPLE_USERS;
const PER_USER_REPORT = "GET /v1.0/reports/authenticationMethods/userRegistrationDetails/{id}";
const REPORT_LIST = "GET /v1.0/reports/authenticationMethods/userRegistrationDetails";

describe("registration in bulk", () => {
  let h: WorkerHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("a bulk's preview reads the report by $filter, not per user, and still flags re-registration", async () => {
    h = await WorkerHarness.start({ sandbox: { limits: "documented" } });
    const targets = [U.disabledRegistered, U.disabledUnregistered, U.enabledUnregistered].map(
      (u) => u.userPrincipalName,
    );
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable ${targets.join(" ")}`));
    if (card.outcome.kind !== "approval")
      throw new Error(`expected an approval card, got ${card.outcome.kind}`);
    expect(card.outcome.approval.counts).toMatchObject({ change: 2, reregistrationNeeded: 1 });
    const stats = h.sandbox.stats.snapshot();
    expect(stats.byRoute[PER_USER_REPORT]).toBeUndefined();
    expect(stats.byRoute[REPORT_LIST]).toBe(1);
    expect(stats.throttledByLimit).toEqual({});
  });

  it("report: the report's list, 999 users a request, for a tenant of 2,100 users", async () => {
    const seed = generateSeed({ users: 2_100 });
    h = await WorkerHarness.start({ sandbox: { seed, limits: "documented" } });
    const first = seed.users.find((u) => u.userPrincipalName.startsWith("user"))!;
    h.sandbox.tenant.setMfaState(first.id, "enabled");
    const answer = await h.answerTo(await h.send(HELPDESK, "report"), 60_000);
    if (answer.outcome.kind !== "report") throw new Error(`expected a report, got ${answer.outcome.kind}`);
    expect(answer.outcome.total).toBe(seed.users.length);
    expect(answer.outcome.counts.enabled).toBe(1);
    expect(answer.outcome.enabledUnregistered).toEqual([first.userPrincipalName.toLowerCase()]);
    const stats = h.sandbox.stats.snapshot();
    expect(stats.byRoute[PER_USER_REPORT]).toBeUndefined();
    // Disabled accounts are not in the report: they come from the users list after it.
    expect(stats.byRoute[REPORT_LIST]).toBe(
      Math.ceil(seed.users.filter((u) => u.accountEnabled !== false).length / 999),
    );
    expect(stats.throttledByLimit).toEqual({});
  }, 90_000);

  it("report without a licensed tenant: registration from the methods lists, in $batches", async () => {
    h = await WorkerHarness.start({
      sandbox: { seed: { ...defaultSeed(), premium: false }, limits: "documented" },
    });
    const answer = await h.answerTo(await h.send(HELPDESK, "report"));
    if (answer.outcome.kind !== "report") throw new Error(`expected a report, got ${answer.outcome.kind}`);
    const enabled = h.sandbox.tenant.allUsers().filter((u) => u.perUserMfaState === "enabled");
    expect(answer.outcome.counts.enabled).toBe(enabled.length);
    expect(answer.outcome.enabledUnregistered).toContain(
      U.enabledUnregistered.userPrincipalName.toLowerCase(),
    );
    const stats = h.sandbox.stats.snapshot();
    expect(stats.byRoute[PER_USER_REPORT]).toBeUndefined();
    expect(stats.byRoute["GET /v1.0/users/{id}/authentication/methods"]).toBe(enabled.length);
    expect(stats.byRoute[REPORT_LIST]).toBe(1); // the 403 that says there is no report
  });

  it("a preview in a tenant without the report: registration from the methods lists, still flagged", async () => {
    h = await WorkerHarness.start({
      sandbox: { seed: { ...defaultSeed(), premium: false }, limits: "documented" },
    });
    const targets = [U.disabledRegistered, U.disabledUnregistered].map((u) => u.userPrincipalName);
    const card = await h.answerTo(await h.send(ADMIN, `bulk enable ${targets.join(" ")}`));
    if (card.outcome.kind !== "approval")
      throw new Error(`expected an approval card, got ${card.outcome.kind}`);
    expect(card.outcome.approval.counts).toMatchObject({ change: 2, reregistrationNeeded: 1 });
    const stats = h.sandbox.stats.snapshot();
    expect(stats.byRoute[REPORT_LIST]).toBe(1); // the 403 that says there is no report
    expect(stats.byRoute["GET /v1.0/users/{id}/authentication/methods"]).toBe(2);
    expect(stats.byRoute[PER_USER_REPORT]).toBeUndefined();
  });
});
