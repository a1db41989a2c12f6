import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blockTextLength, SLACK_MESSAGE_GUARD } from "../../adapters/slack/render/guard.js";
import { renderOutcome as renderSlack } from "../../adapters/slack/render/outcome.js";
import { TEAMS_ACTIVITY_GUARD_BYTES, teamsPayloadBytes } from "../../adapters/teams/activity-guard.js";
import { fullListActivities, outcomeActivity } from "../../adapters/teams/outgoing-activity.js";
import type { Outcome } from "../../src/notify/outcome.js";
import { approvalView, OUTCOMES } from "./outcome-fixtures.js";

/**
 * Issue 12: whatever the worker says, no message leaves over its platform's guard. Every
 * outcome kind is rendered with Entra's maximum field lengths (UPN 113 characters, display
 * name 256 — https://learn.microsoft.com/entra/identity/users/directory-service-limits-restrictions
 * and https://learn.microsoft.com/graph/api/resources/user), long failure reasons, thousands of
 * users, and hostile text (mentions, entities, Markdown, surrogate pairs, bidi overrides).
 */
const UPN_MAX = 113;
const DISPLAY_NAME_MAX = 256;
const REASON_MAX = 2_000;

const HOSTILE = [
  "<!channel>",
  "<@U123|boss>",
  "&amp;&lt;&gt;",
  "**[click](https://evil.example)**",
  "<at>CEO</at>",
  "😀👩‍👩‍👧",
  "\u202e\u2066",
  "`",
  "\n",
  "中文字符",
  '"\\',
];

/** A piece of text `length` long built from a generated seed and hostile pieces. */
const hostile = (length: number) =>
  fc
    .tuple(fc.string({ unit: "binary", maxLength: 40 }), fc.subarray(HOSTILE, { minLength: 1 }))
    .map(([seed, pieces]) => {
      const unit = `${seed}${pieces.join("")}` || "x";
      return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
    });

const DOMAIN = "@contoso.com";
const upnOf = (text: string, i: number) => `${i}${text}`.slice(0, UPN_MAX - DOMAIN.length).concat(DOMAIN);

/** Every outcome kind at its largest, from one hostile name, display name and reason. */
function largest(
  kind: Outcome["kind"],
  name: string,
  display: string,
  reason: string,
  count: number,
): Outcome {
  const upns = Array.from({ length: count }, (_, i) => upnOf(name, i));
  const users = upns.map((upn) => ({ upn, displayName: display }));
  switch (kind) {
    case "text":
      return { kind, tone: "error", title: display, text: reason.repeat(20) };
    case "status":
      return {
        ...OUTCOMES.status,
        user: { id: "u1", upn: upns[0] ?? "", displayName: display },
        registration: { isMfaRegistered: true, methods: upns.slice(0, 50), defaultMethod: reason },
        coverage: { covered: false, by: upns.slice(0, 100), notes: upns.map(() => reason).slice(0, 100) },
        pendingApprovals: upns.slice(0, 200),
      };
    case "change":
      return {
        ...OUTCOMES.change,
        results: upns.map((upn, i) => ({
          upn,
          from: "disabled",
          requested: "enabled",
          ok: i % 2 === 0,
          error: reason,
          flags: [],
          methodsFailed: [{ method: display, error: reason }],
        })),
        unchanged: users.map((u) => ({ ...u, reason })),
        refused: upns.map((ref) => ({ ref, reason })),
        notFound: upns,
        warnings: upns.map(() => reason).slice(0, 100),
      };
    case "approval": {
      const view = approvalView({
        requester: upns[0] ?? "",
        reason,
        counts: { change: count, noop: count, refused: count, notFound: count, reregistrationNeeded: count },
        changes: { users, more: count },
        unchanged: { users: users.map((u) => ({ ...u, reason })), more: 0 },
        refused: { users: upns.map((ref) => ({ ref, reason })), more: 0 },
        notFound: { refs: upns, more: 0 },
        approvalReasons: upns.map(() => reason).slice(0, 50),
        warnings: upns.map(() => reason).slice(0, 50),
        outcomeText: reason,
        allNames: { change: upns, unchanged: upns, refused: upns, notFound: upns },
      });
      return { kind, approval: view };
    }
    case "progress":
      return { ...OUTCOMES.progress, total: count, done: count, failed: count };
    case "summary":
      return {
        ...OUTCOMES.summary,
        changed: users.map((u) => ({ ...u, now: "enabled" })),
        unchanged: users.map((u) => ({ ...u, reason })),
        failed: upns.map((upn) => ({ upn, reason })),
        reregistrationNeeded: upns,
        notFound: upns,
        refused: upns.map((ref) => ({ ref, reason })),
      };
    case "report":
      return {
        ...OUTCOMES.report,
        counts: { disabled: count, enabled: count, enforced: count, [display]: count },
        total: count * 3,
        enabledUnregistered: upns.slice(0, 50),
        enabledUnregisteredTotal: count,
        csv: { filename: `${name}.csv`, lines: count + 1 },
      };
    case "audit":
      return {
        kind,
        subject: display,
        entries: upns.slice(0, 500).map((upn) => ({
          at: "2024-05-01T10:00:00Z",
          operationId: "abcdefgh",
          actor: upn,
          action: reason,
          target: upn,
          before: display,
          after: display,
          result: reason,
          approvalId: "k3m9p2xq",
        })),
      };
    case "convertPlan":
      return {
        ...OUTCOMES.convertPlan,
        perUserCount: count,
        covered: false,
        coveredBy: upns.slice(0, 100),
        notes: upns.map(() => reason).slice(0, 100),
        uncovered: upns,
        excludedByRole: upns,
        guests: upns,
        securityDefaultsOnly: upns,
      };
    case "registerReminder":
      return { ...OUTCOMES.registerReminder, upn: upns[0] ?? "", requestedBy: display };
    case "paused":
      return {
        ...OUTCOMES.paused,
        done: count,
        failed: count,
        total: count * 2,
        failures: { users: upns.map((upn) => ({ upn, reason })), more: count },
        answered: undefined,
      };
    case "drift":
      return {
        ...OUTCOMES.drift,
        user: { id: "u1", upn: upns[0] ?? "", displayName: display },
        set: display,
        now: reason,
        changedBy: upns[1] ?? display,
      };
  }
}

const KINDS = Object.keys(OUTCOMES) as Array<Outcome["kind"]>;
const arbitraries = fc.record({
  kind: fc.constantFrom(...KINDS),
  name: hostile(UPN_MAX),
  display: hostile(DISPLAY_NAME_MAX),
  reason: hostile(REASON_MAX),
  count: fc.constantFrom(1, 40, 1_000, 5_000),
});

describe("the size guard holds for every outcome", () => {
  it("Slack: at most 50 blocks and 12,000 characters of block text", () => {
    fc.assert(
      fc.property(arbitraries, ({ kind, name, display, reason, count }) => {
        const message = renderSlack(largest(kind, name, display, reason, count));
        expect(message.blocks.length).toBeLessThanOrEqual(SLACK_MESSAGE_GUARD.blocks);
        expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(SLACK_MESSAGE_GUARD.blockText);
      }),
      { numRuns: 60 },
    );
  });

  it("Teams: every activity within 28 KB, counted as UTF-8 and as UTF-16", () => {
    fc.assert(
      fc.property(arbitraries, ({ kind, name, display, reason, count }) => {
        const outcome = largest(kind, name, display, reason, count);
        const activities = [outcomeActivity(outcome)];
        if (outcome.kind === "approval") activities.push(...fullListActivities(outcome.approval));
        for (const activity of activities) {
          expect(teamsPayloadBytes(activity)).toBeLessThanOrEqual(TEAMS_ACTIVITY_GUARD_BYTES);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("degrades on purpose: a shortened message says how much it leaves out", () => {
    const summary = largest("summary", "alice", "Alice", "throttled ".repeat(200), 5_000);
    const slack = JSON.stringify(renderSlack(summary).blocks);
    expect(slack).toMatch(/more (lines|parts? of this message)|… and \d+ more/);
    const teams = JSON.stringify(outcomeActivity(summary));
    expect(teams).toMatch(/more lines not shown here|more/);
    // The approval's buttons survive the guard on both platforms.
    const approval = largest("approval", "bob", "Bob", "reason ".repeat(300), 5_000);
    expect(JSON.stringify(renderSlack(approval).blocks)).toContain('"type":"actions"');
    expect(JSON.stringify(outcomeActivity(approval))).toContain('"type":"ActionSet"');
  });
});
