import { describe, expect, it } from "vitest";
import type { ParseResult } from "../../src/core/command.js";
import {
  describeTarget,
  HELP_SUMMARY,
  HELP_TEXT,
  helpText,
  isOperationId,
  normalizeOperationId,
  OPERATION_ID_ALPHABET,
  OPERATION_ID_PATTERN,
  parseCommand,
  USAGE,
} from "../../src/core/grammar.js";

const GUID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const GROUP_GUID = "11111111-2222-4333-8444-555555555555";

function command(text: string) {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got: ${result.error}`);
  return result.command;
}

function failure(text: string): Extract<ParseResult, { ok: false }> {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(result)}`);
  return result;
}

describe("single-user verbs", () => {
  it.each(["status", "enable", "disable", "enforce", "reregister", "remind"] as const)(
    "%s <user>",
    (verb) => {
      expect(command(`${verb} alice@contoso.com`)).toEqual({
        verb,
        target: { kind: "upn", upn: "alice@contoso.com" },
      });
    },
  );

  it("takes verbs in any case and tolerates a leading mfa or /mfa", () => {
    const expected = { verb: "status", target: { kind: "upn", upn: "alice@contoso.com" } };
    expect(command("STATUS alice@contoso.com")).toEqual(expected);
    expect(command("mfa status alice@contoso.com")).toEqual(expected);
    expect(command("MFA Status alice@contoso.com")).toEqual(expected);
    expect(command("/mfa status alice@contoso.com")).toEqual(expected);
    expect(command("  \n status \t alice@contoso.com  ")).toEqual(expected);
  });

  it("reads a Slack mention with or without a label", () => {
    expect(command("status <@U123ABC>")).toEqual({
      verb: "status",
      target: { kind: "slackUser", id: "U123ABC" },
    });
    expect(command("status <@W42|alice>")).toEqual({
      verb: "status",
      target: { kind: "slackUser", id: "W42" },
    });
    expect(command("status <@U42|Smith, John>")).toEqual({
      verb: "status",
      target: { kind: "slackUser", id: "U42" },
    });
  });

  it("lower-cases UPNs and accepts guest and $-leading UPNs", () => {
    expect(command("enable Alice@Contoso.COM")).toEqual({
      verb: "enable",
      target: { kind: "upn", upn: "alice@contoso.com" },
    });
    expect(command("status alice_fabrikam.com#EXT#@contoso.onmicrosoft.com")).toEqual({
      verb: "status",
      target: { kind: "upn", upn: "alice_fabrikam.com#ext#@contoso.onmicrosoft.com" },
    });
    expect(command("status $svc-backup@contoso.com")).toEqual({
      verb: "status",
      target: { kind: "upn", upn: "$svc-backup@contoso.com" },
    });
    expect(command("status o'brien+mfa@contoso.co.uk")).toEqual({
      verb: "status",
      target: { kind: "upn", upn: "o'brien+mfa@contoso.co.uk" },
    });
  });

  it("unwraps Slack's mailto links", () => {
    const expected = { verb: "status", target: { kind: "upn", upn: "alice@contoso.com" } };
    expect(command("status <mailto:Alice@contoso.com|Alice@contoso.com>")).toEqual(expected);
    expect(command("status <mailto:alice@contoso.com>")).toEqual(expected);
  });

  it("reads a bare GUID as an object id, lower-cased", () => {
    expect(command(`status ${GUID.toUpperCase()}`)).toEqual({
      verb: "status",
      target: { kind: "objectId", id: GUID },
    });
  });

  it("needs exactly one user", () => {
    expect(failure("status")).toEqual({
      ok: false,
      error: '"status" needs exactly one user',
      usage: USAGE.status,
    });
    expect(failure("enable a@contoso.com b@contoso.com").error).toBe(
      '"enable" needs exactly one user, not 2',
    );
    expect(failure("remind <@U1>, <@U2>").error).toBe('"remind" needs exactly one user, not 2');
  });

  it("names what is not a user", () => {
    expect(failure("status xyz")).toEqual({
      ok: false,
      error: '"xyz" is not a user: use @mention, an email/UPN or an object id',
      usage: USAGE.status,
    });
    expect(failure("status @alice").error).toBe(
      '"@alice" is not a user: use @mention, an email/UPN or an object id',
    );
    expect(failure("status alice@contoso").error).toMatch(/^"alice@contoso" is not a user/);
    expect(failure("status alice@contoso.com.").error).toMatch(/is not a user/);
    expect(failure("status a..b@contoso.com").error).toMatch(/is not a user/);
    expect(failure("status <@u123>").error).toBe(
      '"@u123" is not a user: use @mention, an email/UPN or an object id',
    );
    expect(failure("status <@U123").error).toMatch(/^"@U123" is not a user/);
    expect(failure("status <#C123|general>").error).toMatch(/^"#C123\|general" is not a user/);
    expect(failure("status alice@contoso.com xyz").error).toMatch(/^"xyz" is not a user/);
  });

  it("refuses @channel, @here and @everyone", () => {
    for (const text of ["<!channel>", "<!here>", "<!everyone>", "<!here|here>", "@channel", "@HERE"]) {
      expect(failure(`status ${text}`)).toEqual({
        ok: false,
        error: "@channel, @here and @everyone cannot be targets",
        usage: USAGE.status,
      });
    }
  });

  it("refuses groups where one user is needed", () => {
    expect(failure(`enable group:${GROUP_GUID}`).error).toBe('"enable" takes one user, not a group');
    expect(failure("status <!subteam^S123|@admins>").error).toBe('"status" takes one user, not a group');
  });
});

describe("disable … for", () => {
  it.each([
    ["30m", 30],
    ["4h", 240],
    ["2d", 2880],
    ["4H", 240],
    ["1w", 10080],
    ["90 minutes", 90],
    ["4 hours", 240],
    ["30d", 43200],
    ["1 day", 1440],
  ])("for %s is %i minutes", (duration, minutes) => {
    expect(command(`disable alice@contoso.com for ${duration}`)).toEqual({
      verb: "disable",
      target: { kind: "upn", upn: "alice@contoso.com" },
      forMinutes: minutes,
    });
  });

  it("takes the duration before the user, too", () => {
    expect(command("disable FOR 4h <@U1>")).toEqual({
      verb: "disable",
      target: { kind: "slackUser", id: "U1" },
      forMinutes: 240,
    });
  });

  it("refuses durations out of bounds or unreadable", () => {
    const usage = USAGE.disable;
    expect(failure("disable a@contoso.com for 31d")).toEqual({
      ok: false,
      error: "the duration must be between 1 minute and 30 days",
      usage,
    });
    expect(failure("disable a@contoso.com for 0m").error).toBe(
      "the duration must be between 1 minute and 30 days",
    );
    expect(failure("disable a@contoso.com for 999999d").error).toBe(
      "the duration must be between 1 minute and 30 days",
    );
    expect(failure("disable a@contoso.com for soon").error).toBe(
      '"soon" is not a duration: use e.g. 30m, 4h or 2d',
    );
    expect(failure("disable a@contoso.com for 1.5h").error).toMatch(/is not a duration/);
    expect(failure("disable a@contoso.com for 4constructor").error).toMatch(/is not a duration/);
    expect(failure("disable a@contoso.com for").error).toBe('"for" needs a duration such as 30m, 4h or 2d');
    expect(failure("disable a@contoso.com for 1h for 2h").error).toBe('give "for" only once');
  });

  it("is only for disable", () => {
    expect(failure("enable a@contoso.com for 4h")).toEqual({
      ok: false,
      error: 'only "disable" takes "for" and a duration',
      usage: USAGE.enable,
    });
  });
});

describe("reasons", () => {
  const target = { kind: "upn", upn: "alice@contoso.com" };

  it.each([
    ['--reason "lost phone"', "lost phone"],
    ["--reason 'lost phone'", "lost phone"],
    ["--reason “lost phone”", "lost phone"],
    ["--reason „lost phone“", "lost phone"],
    ["--reason ‘lost phone’", "lost phone"],
    ["--reason 'user's phone is lost'", "user's phone is lost"],
    ["--reason lost", "lost"],
    ['--reason="lost phone"', "lost phone"],
    ["--reason=lost", "lost"],
    ["—reason “lost phone”", "lost phone"],
    ["–reason lost", "lost"],
    ["--REASON lost", "lost"],
    ['--reason "  lost \n\t phone  "', "lost phone"],
    ["reason: lost phone, ticket #42", "lost phone, ticket #42"],
    ['Reason: she said "hi" --reason x', 'she said "hi" --reason x'],
  ])("%s", (text, reason) => {
    expect(command(`enable alice@contoso.com ${text}`)).toEqual({ verb: "enable", target, reason });
  });

  it("may come before the arguments when quoted", () => {
    expect(command('enable --reason "lost phone" alice@contoso.com')).toEqual({
      verb: "enable",
      target,
      reason: "lost phone",
    });
    expect(command('disable alice@contoso.com --reason "travel" for 2d')).toEqual({
      verb: "disable",
      target,
      reason: "travel",
      forMinutes: 2880,
    });
  });

  it("rides along on every verb that records one", () => {
    expect(command("report --reason audit")).toEqual({ verb: "report", reason: "audit" });
    expect(command("convert plan reason: Q3 migration")).toEqual({
      verb: "convert",
      mode: "plan",
      reason: "Q3 migration",
    });
    expect(command("undo k3m9p2xq --reason mistake")).toEqual({
      verb: "undo",
      operationId: "k3m9p2xq",
      reason: "mistake",
    });
    expect(command('reject k3m9p2xq --reason "not now"')).toEqual({
      verb: "reject",
      approvalId: "k3m9p2xq",
      reason: "not now",
    });
    expect(command('bulk enable a@contoso.com --reason "rollout"')).toEqual({
      verb: "bulk-enable",
      targets: [{ kind: "upn", upn: "a@contoso.com" }],
      reason: "rollout",
    });
  });

  it("refuses empty, unterminated, repeated, too long or many-word unquoted reasons", () => {
    const usage = USAGE.enable;
    expect(failure('enable alice@contoso.com --reason ""')).toEqual({
      ok: false,
      error: "the reason is empty",
      usage,
    });
    expect(failure("enable alice@contoso.com --reason '  '").error).toBe("the reason is empty");
    expect(failure("enable alice@contoso.com reason:").error).toBe("the reason is empty");
    expect(failure("enable alice@contoso.com reason:  \n ").error).toBe("the reason is empty");
    expect(failure("enable alice@contoso.com --reason").error).toBe(
      '--reason needs a text, e.g. --reason "lost phone"',
    );
    expect(failure('enable alice@contoso.com --reason "lost phone').error).toBe(
      "the reason has no closing quote",
    );
    expect(failure("enable alice@contoso.com --reason lost phone").error).toBe(
      "put a reason of more than one word in quotes",
    );
    expect(failure('enable alice@contoso.com --reason "a" --reason "b"').error).toBe(
      "give the reason only once",
    );
    expect(failure('enable alice@contoso.com --reason "a" reason: b').error).toBe(
      "give the reason only once",
    );
    expect(failure(`enable alice@contoso.com --reason "${"x".repeat(501)}"`).error).toBe(
      "the reason is longer than 500 characters",
    );
  });

  it("keeps a reason of exactly 500 characters, counting characters not code units", () => {
    const reason = "🔐".repeat(500);
    expect(command(`enable alice@contoso.com reason: ${reason}`)).toEqual({ verb: "enable", target, reason });
  });

  it("takes control characters out of a reason", () => {
    expect(command("enable alice@contoso.com reason: lost\u0000phone\u202e!")).toEqual({
      verb: "enable",
      target,
      reason: "lost phone !",
    });
  });

  it("is refused on audit and help", () => {
    expect(failure("audit alice@contoso.com --reason x")).toEqual({
      ok: false,
      error: '"audit" does not take a reason',
      usage: USAGE.audit,
    });
    expect(failure("help reason: x").error).toBe('"help" does not take a reason');
  });
});

describe("bulk enable", () => {
  it("takes every kind of target, separated by spaces, commas, semicolons or new lines", () => {
    const text = [
      "bulk enable <@U1>, Alice@Contoso.com;",
      `${GUID}\n<!subteam^S123|@helpdesk> <!subteam^S456>`,
      `GROUP:${GROUP_GUID.toUpperCase()};<mailto:bob@contoso.com|bob@contoso.com>`,
    ].join("\n");
    expect(command(text)).toEqual({
      verb: "bulk-enable",
      targets: [
        { kind: "slackUser", id: "U1" },
        { kind: "upn", upn: "alice@contoso.com" },
        { kind: "objectId", id: GUID },
        { kind: "slackUserGroup", id: "S123" },
        { kind: "slackUserGroup", id: "S456" },
        { kind: "group", id: GROUP_GUID },
        { kind: "upn", upn: "bob@contoso.com" },
      ],
    });
  });

  it("removes duplicates, keeping the first one's place", () => {
    expect(
      command(`BULK Enable b@contoso.com A@contoso.com a@CONTOSO.com <@U1> B@contoso.com <@U1|x>`),
    ).toEqual({
      verb: "bulk-enable",
      targets: [
        { kind: "upn", upn: "b@contoso.com" },
        { kind: "upn", upn: "a@contoso.com" },
        { kind: "slackUser", id: "U1" },
      ],
    });
  });

  it("splits mentions that arrive with nothing between them", () => {
    expect(command("bulk enable <@U1><@U2><!subteam^S3>")).toEqual({
      verb: "bulk-enable",
      targets: [
        { kind: "slackUser", id: "U1" },
        { kind: "slackUser", id: "U2" },
        { kind: "slackUserGroup", id: "S3" },
      ],
    });
    expect(failure("bulk enable <@U1>x").error).toMatch(/^"@U1x" is not a user or group/);
  });

  it("accepts bulk-enable as one word", () => {
    expect(command("bulk-enable <@U1>")).toEqual({
      verb: "bulk-enable",
      targets: [{ kind: "slackUser", id: "U1" }],
    });
  });

  it("needs at least one target, and only targets", () => {
    const usage = USAGE["bulk-enable"];
    expect(failure("bulk enable")).toEqual({
      ok: false,
      error: '"bulk enable" needs at least one user or group',
      usage,
    });
    expect(failure("bulk enable ,;\n").error).toBe('"bulk enable" needs at least one user or group');
    expect(failure("bulk enable <@U1> <!channel>").error).toBe(
      "@channel, @here and @everyone cannot be targets",
    );
    expect(failure("bulk enable <@U1> nobody").error).toBe(
      '"nobody" is not a user or group: use @mention, an email/UPN, an object id, @group or group:ID',
    );
    expect(failure("bulk enable group:marketing").error).toBe(
      '"group:marketing" needs an Entra group object id (a GUID) after "group:"',
    );
  });

  it("must be bulk enable", () => {
    expect(failure("bulk disable <@U1>")).toEqual({
      ok: false,
      error: '"bulk" must be followed by "enable"',
      usage: HELP_SUMMARY,
    });
    expect(failure("bulk").error).toBe('"bulk" must be followed by "enable"');
  });

  it("refuses more targets than the parsing bound", () => {
    const text = `bulk enable ${Array.from({ length: 6 }, (_, i) => `<@U${i}>`).join(" ")}`;
    expect(parseCommand(text, { maxBulkTargets: 5 })).toEqual({
      ok: false,
      error: '"bulk enable" takes at most 5 targets at once',
      usage: USAGE["bulk-enable"],
    });
    expect(parseCommand(text, { maxBulkTargets: 6 }).ok).toBe(true);
  });
});

describe("report and convert", () => {
  it("parses", () => {
    expect(command("report")).toEqual({ verb: "report" });
    expect(command("convert plan")).toEqual({ verb: "convert", mode: "plan" });
    expect(command("convert EXECUTE")).toEqual({ verb: "convert", mode: "execute" });
  });

  it("refuses stray arguments", () => {
    expect(failure("report all")).toEqual({
      ok: false,
      error: '"report" takes no arguments, not "all"',
      usage: USAGE.report,
    });
    for (const text of ["convert", "convert now", "convert plan execute"]) {
      expect(failure(text)).toEqual({
        ok: false,
        error: '"convert" needs "plan" or "execute"',
        usage: USAGE.convert,
      });
    }
  });
});

describe("operation and approval ids", () => {
  it("undo, approve and reject take one id, normalized to lower case", () => {
    expect(command("undo K3M9P2XQ")).toEqual({ verb: "undo", operationId: "k3m9p2xq" });
    expect(command("approve abcd2345")).toEqual({ verb: "approve", approvalId: "abcd2345" });
    expect(command("reject zzzz9999")).toEqual({ verb: "reject", approvalId: "zzzz9999" });
  });

  it("refuses missing, extra or malformed ids", () => {
    expect(failure("undo")).toEqual({
      ok: false,
      error: '"undo" needs exactly one operation id',
      usage: USAGE.undo,
    });
    expect(failure("approve abcd2345 abcd2346").error).toBe('"approve" needs exactly one approval id');
    // 0, 1, i, l and o are not in the alphabet: they look like each other.
    for (const id of ["abcd0123", "abcdefgi", "abcdefgl", "abcdefgo", "abcd234", "abcd23456"]) {
      expect(failure(`reject ${id}`).error).toBe(
        `"${id}" is not an approval id (8 letters and digits, e.g. k3m9p2xq)`,
      );
    }
  });

  it("exports the pattern and a case-insensitive check", () => {
    expect(OPERATION_ID_ALPHABET).toHaveLength(31);
    expect(OPERATION_ID_PATTERN.test("k3m9p2xq")).toBe(true);
    expect(OPERATION_ID_PATTERN.test("K3M9P2XQ")).toBe(false);
    expect(isOperationId("K3M9P2XQ")).toBe(true);
    expect(isOperationId("k3m9p2x")).toBe(false);
    expect(isOperationId("k3m9p2xq ")).toBe(false);
    expect(normalizeOperationId("K3m9P2xQ")).toBe("k3m9p2xq");
    expect(normalizeOperationId("k3m9p2x1")).toBeUndefined();
  });
});

describe("audit", () => {
  it("is about a user or an operation", () => {
    expect(command("audit <@U1>")).toEqual({
      verb: "audit",
      subject: { kind: "user", target: { kind: "slackUser", id: "U1" } },
    });
    expect(command("audit Alice@contoso.com")).toEqual({
      verb: "audit",
      subject: { kind: "user", target: { kind: "upn", upn: "alice@contoso.com" } },
    });
    expect(command("audit K3M9P2XQ")).toEqual({
      verb: "audit",
      subject: { kind: "operation", id: "k3m9p2xq" },
    });
  });

  it("refuses anything else", () => {
    expect(failure("audit xyz")).toEqual({
      ok: false,
      error: '"xyz" is neither a user nor an operation id',
      usage: USAGE.audit,
    });
    expect(failure("audit").error).toBe('"audit" needs exactly one user or operation id');
    expect(failure("audit <@U1> <@U2>").error).toBe('"audit" needs exactly one user or operation id');
    expect(failure(`audit group:${GROUP_GUID}`).error).toBe(
      '"audit" takes a user or an operation id, not a group',
    );
    expect(failure("audit <!here>").error).toBe("@channel, @here and @everyone cannot be targets");
  });
});

describe("help", () => {
  it("with or without a topic", () => {
    expect(command("help")).toEqual({ verb: "help" });
    expect(command("HELP Disable")).toEqual({ verb: "help", topic: "disable" });
    expect(command("help bulk enable")).toEqual({ verb: "help", topic: "bulk-enable" });
    expect(command("help bulk")).toEqual({ verb: "help", topic: "bulk-enable" });
  });

  it("is what empty text means", () => {
    expect(command("")).toEqual({ verb: "help" });
    expect(command("  \n ")).toEqual({ verb: "help" });
    expect(command("/mfa")).toEqual({ verb: "help" });
    expect(command("mfa ")).toEqual({ verb: "help" });
  });

  it("refuses unknown topics", () => {
    expect(failure("help frobnicate")).toEqual({
      ok: false,
      error: 'no help on "frobnicate"',
      usage: USAGE.help,
    });
  });

  it("has text for every command", () => {
    for (const [verb, usage] of Object.entries(USAGE)) {
      expect(HELP_TEXT).toContain(usage);
      expect(helpText(verb as keyof typeof USAGE).startsWith(usage)).toBe(true);
    }
    expect(helpText()).toBe(HELP_TEXT);
    expect(HELP_TEXT).not.toMatch(/\/mfa/);
    expect(HELP_SUMMARY).toContain("bulk enable");
  });
});

describe("unknown and hostile text", () => {
  it("names an unknown command and shows the summary", () => {
    expect(failure("frobnicate alice@contoso.com")).toEqual({
      ok: false,
      error: 'unknown command "frobnicate"',
      usage: HELP_SUMMARY,
    });
    expect(failure("mfa mfa status x").error).toBe('unknown command "mfa"');
  });

  it("says the command comes first when the text starts with a user", () => {
    expect(failure("<@U1>").error).toBe("start with a command, e.g. status, then the user");
    expect(failure("alice@contoso.com status").error).toBe(
      "start with a command, e.g. status, then the user",
    );
  });

  it("refuses text over 20,000 characters", () => {
    expect(failure(`status a@contoso.com reason: ${"x".repeat(20_000)}`)).toEqual({
      ok: false,
      error: "command is too long",
      usage: HELP_SUMMARY,
    });
  });

  it("echoes at most about 60 characters, without angle brackets or control characters", () => {
    const { error } = failure(`frobnicate${"<b>\u0007\u202e".repeat(40)}${"y".repeat(200)}`);
    expect(error).not.toMatch(/[<>\p{Cc}\u202e]/u);
    expect(error.length).toBeLessThanOrEqual('unknown command ""'.length + 60);
    expect(error.endsWith('…"')).toBe(true);
  });

  it("ignores zero-width characters pasted into a command", () => {
    expect(command("sta\u200btus\u00a0alice@contoso.com\ufeff")).toEqual({
      verb: "status",
      target: { kind: "upn", upn: "alice@contoso.com" },
    });
  });

  it("never throws on text that is not a string", () => {
    expect(parseCommand(undefined as unknown as string)).toEqual({
      ok: false,
      error: "the command must be text",
      usage: HELP_SUMMARY,
    });
  });
});

describe("describeTarget", () => {
  it("gives a readable form", () => {
    expect(describeTarget({ kind: "upn", upn: "alice@contoso.com" })).toBe("alice@contoso.com");
    expect(describeTarget({ kind: "slackUser", id: "U123" })).toBe("<@U123>");
    expect(describeTarget({ kind: "slackUserGroup", id: "S123" })).toBe("slack group S123");
    expect(describeTarget({ kind: "group", id: GROUP_GUID })).toBe(`group:${GROUP_GUID}`);
    expect(describeTarget({ kind: "objectId", id: GUID })).toBe(GUID);
  });
});
