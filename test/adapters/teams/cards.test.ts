import { describe, expect, it } from "vitest";
import { renderOutcome } from "../../../adapters/teams/cards/index.js";
import type { Outcome } from "../../../src/notify/outcome.js";
import { approvalView, decided, OUTCOMES } from "../../notify/outcome-fixtures.js";

type Node = Record<string, unknown>;

/** Every object in the card, depth first. */
function nodes(value: unknown): Node[] {
  if (Array.isArray(value)) return value.flatMap(nodes);
  if (typeof value !== "object" || value === null) return [];
  return [value as Node, ...Object.values(value).flatMap(nodes)];
}

/** Strings a host would run through Markdown: TextBlock text, Fact titles and values. */
function markdownStrings(card: unknown): string[] {
  return nodes(card).flatMap((n) => {
    if (n.type === "TextBlock" && typeof n.text === "string") return [n.text];
    if (typeof n.title === "string" && typeof n.value === "string") return [n.title, n.value];
    return [];
  });
}

// The outcomes every platform's tests share (the Notifier contract reads the same ones).
const approval = approvalView;
const outcomes: Record<Outcome["kind"], Outcome> = OUTCOMES;

describe("Adaptive Cards per outcome", () => {
  it.each(Object.values(outcomes))(
    "renders $kind as an Adaptive Card 1.5 with a plain-text fallback",
    (outcome) => {
      const { card, summary } = renderOutcome(outcome);
      expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.5", msteams: { width: "Full" } });
      expect(card.body.length).toBeGreaterThan(0);
      expect(card.fallbackText.length).toBeGreaterThan(0);
      expect(summary.length).toBeGreaterThan(0);
      expect(JSON.stringify(card).length).toBeLessThan(28_000);
    },
  );

  it("shows the status facts", () => {
    const { card, summary } = renderOutcome(outcomes.status);
    // The state in the shared words (src/notify/words.ts), as Slack and the console say it.
    expect(summary).toBe("MFA status of Alice Smith (alice@contoso.com): Enabled — waiting for registration");
    for (const expected of [
      "State: Enabled — waiting for registration",
      "Registered for MFA: no",
      "Re-registration: needed",
      "no enabled policy or security defaults require MFA",
      "k3m9p2xq",
      "enable Disabled → Enabled — waiting for registration by admin@contoso.com, 2024-05-01 10:00 UTC",
    ]) {
      expect(card.fallbackText).toContain(expected);
    }
  });

  it("gives a pending approval Approve/Reject buttons that carry only the approval id", () => {
    const { card } = renderOutcome(outcomes.approval);
    expect(card.body.at(-1)?.type).toBe("ActionSet");
    expect(card.body.at(-1)?.actions).toEqual([
      {
        type: "Action.Execute",
        title: "Approve",
        verb: "mfa.approve",
        style: "positive",
        data: { approvalId: "k3m9p2xq" },
        fallback: {
          type: "Action.Submit",
          title: "Approve",
          style: "positive",
          data: { approvalId: "k3m9p2xq", verb: "mfa.approve" },
        },
      },
      {
        type: "Action.Execute",
        title: "Reject",
        verb: "mfa.reject",
        style: "destructive",
        data: { approvalId: "k3m9p2xq" },
        fallback: {
          type: "Action.Submit",
          title: "Reject",
          style: "destructive",
          data: { approvalId: "k3m9p2xq", verb: "mfa.reject" },
        },
      },
    ]);
    expect(card.fallbackText).toContain("mfa approve k3m9p2xq");
    expect(card.fallbackText).toContain("2 to change, 1 already so, 1 refused, 1 not found");
  });

  it("after a decision shows who decided, when and what came of it, without buttons", () => {
    const card = renderOutcome(decided(approval(), "2024-05-01T15:00:00Z", "2 users enabled"));
    expect(card.card.body.some((element) => element.type === "ActionSet")).toBe(false);
    expect(card.card.fallbackText).toContain("Approved: by manager@contoso.com, 2024-05-01 15:00 UTC");
    expect(card.card.fallbackText).toContain("2 users enabled");
    expect(card.summary).toBe("Approved: Enable MFA for 2 users, requested by admin@contoso.com");
  });

  it("shows progress and the summary's numbers", () => {
    expect(renderOutcome(outcomes.progress).card.fallbackText).toContain("Done: 40 of 160 (25%)");
    expect(renderOutcome(outcomes.progress).card.fallbackText).toContain("Failed so far: 2");
    const summary = renderOutcome(outcomes.summary).card.fallbackText;
    expect(summary).toContain("1 changed, 1 unchanged, 1 failed, 1 not found, 0 refused");
    expect(summary).toContain("bob@contoso.com: throttled");
  });

  it("reports the state read back from Graph when it differs from what was asked", () => {
    const text = renderOutcome(outcomes.change).card.fallbackText;
    expect(text).toContain(
      "alice@contoso.com: Disabled → Enforced (asked for Enabled — waiting for registration)",
    );
    expect(text).toContain("bob@contoso.com: failed (403 from Graph)");
  });

  it("cuts long lists and says how many were left out", () => {
    const users = Array.from({ length: 40 }, (_, i) => ({ upn: `user${i}@contoso.com` }));
    const { card } = renderOutcome({
      kind: "approval",
      approval: approval({ changes: { users, more: 960 } }),
    });
    expect(card.fallbackText).toContain("user14@contoso.com");
    expect(card.fallbackText).not.toContain("user15@contoso.com");
    expect(card.fallbackText).toContain("…and 985 more");
  });

  it("only links an https setup URL", () => {
    const { card } = renderOutcome({
      ...outcomes.registerReminder,
      setupUrl: "javascript:alert(1)",
    } as Outcome);
    expect(card.body.at(-1)?.actions).toEqual([
      { type: "Action.OpenUrl", title: "Set up MFA now", url: "https://aka.ms/mfasetup" },
    ]);
  });
});

describe("text from users and the directory", () => {
  const hostile = "**Boss** [click](https://evil.example) <at>CEO</at> _x_ \u202eevil\u0007";

  it("is never given to Markdown, and shows as the characters it is", () => {
    const outcome: Outcome = {
      kind: "approval",
      approval: approval({
        requester: hostile,
        reason: hostile,
        changes: { users: [{ upn: "alice@contoso.com", displayName: hostile }], more: 0 },
      }),
    };
    const { card, summary } = renderOutcome(outcome);
    const visible = "**Boss** [click](https://evil.example) <at>CEO</at> _x_ evil";
    for (const text of markdownStrings(card)) expect(text).not.toContain("Boss");
    const runs = nodes(card)
      .filter((n) => n.type === "TextRun")
      .map((n) => n.text as string);
    expect(runs.some((text) => text.includes(visible))).toBe(true);
    expect(JSON.stringify(card)).not.toContain("\u202e");
    expect(JSON.stringify(card)).not.toContain("\u0007");
    expect(summary).toContain(visible);
  });

  it("makes status, summaries and errors out of TextRuns only", () => {
    for (const outcome of Object.values(outcomes)) {
      expect(markdownStrings(renderOutcome(outcome).card)).toEqual([]);
    }
  });
});
