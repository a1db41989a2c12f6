import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPolicy, type Policy, parsePolicy } from "../../src/config/policy.js";
import { PolicyError } from "../../src/config/startup-error.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/policy");
const EXAMPLE = join(import.meta.dirname, "../../policy.example.json");
const MINIMAL = { roles: { admin: ["admin@contoso.com"] } };
const GROUP_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

function policyError(json: unknown, path = "./policy.json"): PolicyError {
  try {
    parsePolicy(json, path);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return err as PolicyError;
  }
  throw new Error("expected parsePolicy to fail");
}

async function loadError(path: string): Promise<PolicyError> {
  const err = await loadPolicy(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PolicyError);
  return err as PolicyError;
}

describe("policy.example.json", () => {
  it("parses, and says what the documented example policy says", async () => {
    const policy = await loadPolicy(EXAMPLE);
    expect(policy).toEqual({
      roles: {
        helpdesk: ["helpdesk@contoso.com", "group:00000000-0000-0000-0000-000000000000"],
        admin: ["admin@contoso.com"],
        approver: ["manager@contoso.com"],
      },
      requireApproval: ["bulk", "disable", "reregister", "convert", "undo"],
      protected: ["breakglass@contoso.com"],
      approvalTtlMinutes: 1440,
      maxBulk: 5000,
      reminders: { scheduleDays: [0, 1, 3, 7], escalateAfter: 4 },
      requireLinkedIdentity: ["approve", "admin"],
      quorum: { bulk: 2, convert: 2 },
      canary: { minBulk: 200, size: 20, maxFailureRate: 0.1 },
      driftSweep: { everyMinutes: 60 },
      alerts: { slackChannel: "C0123ABCD", teamsConversation: "19:ops@thread.tacv2" },
    } satisfies Policy);
  });
});

describe("parsePolicy", () => {
  it("fills every default when only roles are given", () => {
    expect(parsePolicy(MINIMAL, "p.json")).toEqual({
      roles: { helpdesk: [], admin: ["admin@contoso.com"], approver: [] },
      requireApproval: ["bulk", "disable", "reregister", "convert", "undo"],
      protected: [],
      approvalTtlMinutes: 1440,
      maxBulk: 5000,
      reminders: { scheduleDays: [0, 1, 3, 7], escalateAfter: 4 },
      requireLinkedIdentity: [],
      quorum: {},
    });
  });

  it("fills the defaults inside a partial reminders object", () => {
    expect(parsePolicy({ ...MINIMAL, reminders: { escalateAfter: 2 } }, "p.json").reminders).toEqual({
      scheduleDays: [0, 1, 3, 7],
      escalateAfter: 2,
    });
    expect(parsePolicy({ ...MINIMAL, reminders: { scheduleDays: [] } }, "p.json").reminders).toEqual({
      scheduleDays: [],
      escalateAfter: 4,
    });
  });

  it("keeps explicit values, including an empty requireApproval", () => {
    const policy = parsePolicy(
      {
        ...MINIMAL,
        requireApproval: [],
        approvalTtlMinutes: 43200,
        maxBulk: 1,
        reminders: { scheduleDays: [365] },
      },
      "p.json",
    );
    expect(policy.requireApproval).toEqual([]);
    expect(policy.approvalTtlMinutes).toBe(43200);
    expect(policy.maxBulk).toBe(1);
    expect(policy.reminders.scheduleDays).toEqual([365]);
  });

  it("lower-cases and trims UPNs and group ids, and drops repeats", () => {
    const policy = parsePolicy(
      {
        roles: { admin: [" Admin@Contoso.COM", "admin@contoso.com", `GROUP:${GROUP_ID.toUpperCase()}`] },
        protected: ["BreakGlass@Contoso.com"],
      },
      "p.json",
    );
    expect(policy.roles.admin).toEqual(["admin@contoso.com", `group:${GROUP_ID}`]);
    expect(policy.protected).toEqual(["breakglass@contoso.com"]);
  });

  it("is frozen", () => {
    const policy = parsePolicy(MINIMAL, "p.json");
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.roles.admin)).toBe(true);
    expect(Object.isFrozen(policy.reminders)).toBe(true);
  });

  const BAD: [what: string, json: unknown, message: string][] = [
    ["not an object", [], "the file must be a JSON object"],
    ["no roles", {}, "roles is missing"],
    [
      "roles not an object",
      { roles: [] },
      "roles [] must be an object with helpdesk, admin and/or approver lists",
    ],
    ["roles all empty", { roles: { admin: [] } }, "roles must name at least one user or group"],
    [
      "a role entry not a UPN",
      { roles: { admin: ["admin@contoso.com", "not-an-email"] } },
      'roles.admin[1] "not-an-email" is not a UPN or group:<object-id>',
    ],
    [
      "a group entry without a GUID",
      { roles: { helpdesk: ["group:helpdesk"] } },
      'roles.helpdesk[0] "group:helpdesk" is not a UPN or group:<object-id>',
    ],
    [
      "a role entry not a string",
      { roles: { approver: [42] } },
      "roles.approver[0] 42 is not a UPN or group:<object-id>",
    ],
    [
      "a role not a list",
      { roles: { admin: "admin@contoso.com" } },
      'roles.admin "admin@contoso.com" must be a list',
    ],
    [
      "an unknown action",
      { ...MINIMAL, requireApproval: ["bulk", "enforce"] },
      'requireApproval[1] "enforce" is not one of enable, bulk, disable, reregister, convert, undo',
    ],
    [
      "protected not a list",
      { ...MINIMAL, protected: "x@contoso.com" },
      'protected "x@contoso.com" must be a list',
    ],
    [
      "a group in protected",
      { ...MINIMAL, protected: [`group:${GROUP_ID}`] },
      `protected[0] "group:${GROUP_ID}" is not a UPN`,
    ],
    [
      "approvalTtlMinutes 0",
      { ...MINIMAL, approvalTtlMinutes: 0 },
      "approvalTtlMinutes 0 must be an integer 1-43200",
    ],
    [
      "approvalTtlMinutes too big",
      { ...MINIMAL, approvalTtlMinutes: 43201 },
      "approvalTtlMinutes 43201 must be an integer 1-43200",
    ],
    [
      "approvalTtlMinutes as a string",
      { ...MINIMAL, approvalTtlMinutes: "60" },
      'approvalTtlMinutes "60" must be an integer 1-43200',
    ],
    ["maxBulk fractional", { ...MINIMAL, maxBulk: 2.5 }, "maxBulk 2.5 must be an integer 1-100000"],
    ["maxBulk too big", { ...MINIMAL, maxBulk: 100001 }, "maxBulk 100001 must be an integer 1-100000"],
    [
      "reminders not an object",
      { ...MINIMAL, reminders: [0, 1] },
      "reminders [0,1] must be an object with scheduleDays and/or escalateAfter",
    ],
    [
      "scheduleDays out of order",
      { ...MINIMAL, reminders: { scheduleDays: [3, 1] } },
      "reminders.scheduleDays [3,1] must be in increasing order, without repeats",
    ],
    [
      "scheduleDays repeated",
      { ...MINIMAL, reminders: { scheduleDays: [1, 1] } },
      "reminders.scheduleDays [1,1] must be in increasing order, without repeats",
    ],
    [
      "a scheduleDay out of range",
      { ...MINIMAL, reminders: { scheduleDays: [0, 366] } },
      "reminders.scheduleDays[1] 366 must be an integer 0-365",
    ],
    [
      "escalateAfter 0",
      { ...MINIMAL, reminders: { escalateAfter: 0 } },
      "reminders.escalateAfter 0 must be an integer of at least 1",
    ],
    [
      "escalateAfter null",
      { ...MINIMAL, reminders: { escalateAfter: null } },
      "reminders.escalateAfter null must be an integer of at least 1",
    ],
  ];
  it.each(BAD)("names the field when %s", (_what, json, message) => {
    const err = policyError(json);
    expect(err.message).toBe(`policy file ./policy.json: ${message}`);
    expect(err.path).toBe("./policy.json");
  });

  it("reports every bad field at once, on one line", () => {
    const err = policyError({
      roles: { admin: ["ok@contoso.com", "nope"] },
      maxBulk: 0,
      reminders: { escalateAfter: -1 },
    });
    expect(err.problems).toEqual([
      'roles.admin[1] "nope" is not a UPN or group:<object-id>',
      "maxBulk 0 must be an integer 1-100000",
      "reminders.escalateAfter -1 must be an integer of at least 1",
    ]);
    expect(err.message).not.toMatch(/\n/);
  });

  it("rejects an unknown top-level key and suggests the likely one", () => {
    expect(policyError({ ...MINIMAL, requireAprooval: ["enable"] }, "X").message).toBe(
      'policy file X: unknown key "requireAprooval" (did you mean "requireApproval"?)',
    );
    expect(policyError({ ...MINIMAL, comment: "hi" }, "X").message).toBe(
      'policy file X: unknown key "comment"',
    );
  });

  it("takes a quorum of 1 to 5 approvers per approvable action, and nothing else", () => {
    expect(parsePolicy({ ...MINIMAL, quorum: { bulk: 2, undo: 5 } }, "p.json").quorum).toEqual({
      bulk: 2,
      undo: 5,
    });
    expect(policyError({ ...MINIMAL, quorum: { bulk: 6 } }, "X").message).toBe(
      "policy file X: quorum.bulk 6 must be an integer 1-5",
    );
    expect(policyError({ ...MINIMAL, quorum: { bulk: 0 } }, "X").message).toBe(
      "policy file X: quorum.bulk 0 must be an integer 1-5",
    );
    expect(policyError({ ...MINIMAL, quorum: { blk: 2 } }, "X").message).toBe(
      'policy file X: unknown key "quorum.blk" (did you mean "bulk"?)',
    );
    expect(policyError({ ...MINIMAL, quorum: 2 }, "X").message).toBe(
      "policy file X: quorum 2 must be an object of enable, bulk, disable, reregister, convert, undo → number of approvers",
    );
  });

  it("takes a canary with minBulk, size and a failure rate from 0 to 1", () => {
    const canary = { minBulk: 200, size: 20, maxFailureRate: 0.1 };
    expect(parsePolicy({ ...MINIMAL, canary }, "p.json").canary).toEqual(canary);
    expect(policyError({ ...MINIMAL, canary: { ...canary, maxFailureRate: 1.5 } }, "X").message).toBe(
      "policy file X: canary.maxFailureRate 1.5 must be a number from 0 to 1",
    );
    expect(policyError({ ...MINIMAL, canary: { minBulk: 200, size: 20 } }, "X").message).toBe(
      "policy file X: canary.maxFailureRate is missing",
    );
    expect(policyError({ ...MINIMAL, canary: { ...canary, sise: 3 } }, "X").message).toBe(
      'policy file X: unknown key "canary.sise" (did you mean "size"?)',
    );
  });

  it("takes a drift sweep only with somewhere to post its alerts", () => {
    const alerts = { slackChannel: "C0123ABCD", teamsConversation: "19:abc@thread.tacv2" };
    expect(parsePolicy({ ...MINIMAL, driftSweep: { everyMinutes: 60 }, alerts }, "p.json")).toMatchObject({
      driftSweep: { everyMinutes: 60 },
      alerts,
    });
    expect(policyError({ ...MINIMAL, driftSweep: { everyMinutes: 60 } }, "X").message).toBe(
      "policy file X: driftSweep needs alerts.slackChannel and/or alerts.teamsConversation to post to",
    );
    expect(policyError({ ...MINIMAL, driftSweep: { everyMinutes: 0 }, alerts }, "X").message).toBe(
      "policy file X: driftSweep.everyMinutes 0 must be an integer 1-10080",
    );
    expect(policyError({ ...MINIMAL, alerts: { slackChanel: "C1" } }, "X").message).toBe(
      'policy file X: unknown key "alerts.slackChanel" (did you mean "slackChannel"?)',
    );
  });

  it("rejects unknown nested keys, named by their full path", () => {
    expect(policyError({ ...MINIMAL, reminders: { escalateAftr: 3 } }, "X").message).toBe(
      'policy file X: unknown key "reminders.escalateAftr" (did you mean "escalateAfter"?)',
    );
    expect(
      policyError({ roles: { admin: ["a@contoso.com"], approvers: ["b@contoso.com"] } }, "X").message,
    ).toBe('policy file X: unknown key "roles.approvers" (did you mean "approver"?)');
  });
});

describe("loadPolicy", () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("says when the file is not there", async () => {
    const err = await loadError(join(FIXTURES, "missing.json"));
    expect(err.message).toBe(
      `policy file ${join(FIXTURES, "missing.json")}: not found (set MFA_BOT_POLICY, or start from policy.example.json)`,
    );
  });

  it("says when the path is a directory", async () => {
    expect((await loadError(FIXTURES)).message).toBe(`policy file ${FIXTURES}: is a directory, not a file`);
  });

  it("says when the file is not JSON, on one line", async () => {
    const err = await loadError(join(FIXTURES, "not-json.txt"));
    expect(err.message).toMatch(/^policy file .*not-json\.txt: not valid JSON \(.+\)$/);
    expect(err.message).not.toMatch(/\n/);
  });

  it("names the bad fields of a file", async () => {
    const err = await loadError(join(FIXTURES, "bad-fields.json"));
    expect(err.problems).toEqual([
      'roles.admin[1] "not-an-email" is not a UPN or group:<object-id>',
      "approvalTtlMinutes 0 must be an integer 1-43200",
      "reminders.scheduleDays [3,1] must be in increasing order, without repeats",
    ]);
  });

  it("reads a file that starts with a byte-order mark", async () => {
    const { writeFile } = await import("node:fs/promises");
    dir = await mkdtemp(join(tmpdir(), "mfa-bot-policy-"));
    const path = join(dir, "policy.json");
    await writeFile(path, `\uFEFF${JSON.stringify(MINIMAL)}`);
    expect((await loadPolicy(path)).roles.admin).toEqual(["admin@contoso.com"]);
  });
});

describe("requireLinkedIdentity", () => {
  it("takes approve, admin and helpdesk, each once", () => {
    const policy = parsePolicy(
      { ...MINIMAL, requireLinkedIdentity: ["approve", "admin", "approve"] },
      "p.json",
    );
    expect(policy.requireLinkedIdentity).toEqual(["approve", "admin"]);
  });

  it("refuses anything else, naming what it takes", () => {
    expect(() => parsePolicy({ ...MINIMAL, requireLinkedIdentity: ["approver"] }, "p.json")).toThrow(
      'requireLinkedIdentity[0] "approver" is not one of approve, admin, helpdesk',
    );
    expect(() => parsePolicy({ ...MINIMAL, requireLinkedIdentity: "approve" }, "p.json")).toThrow(
      'requireLinkedIdentity "approve" must be a list',
    );
  });

  it("suggests the key when it is misspelt", () => {
    expect(() => parsePolicy({ ...MINIMAL, requireLinkedIdentities: ["approve"] }, "p.json")).toThrow(
      'unknown key "requireLinkedIdentities" (did you mean "requireLinkedIdentity"?)',
    );
  });
});
