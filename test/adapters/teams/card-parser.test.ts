import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { fullListActivities, outcomeActivity } from "../../../adapters/teams/outgoing-activity.js";
import type { Outcome } from "../../../src/notify/outcome.js";
import { bulkApprovalView, OUTCOMES } from "../../notify/outcome-fixtures.js";

/**
 * Every card the bot sends, read by Microsoft's own Adaptive Cards parser (the `adaptivecards`
 * package; its ESM build does not load in Node, the bundled one does): no element or property
 * it does not know, and no validation failure.
 */
const require = createRequire(import.meta.url);
const AC = require("adaptivecards/dist/adaptivecards.js") as {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    validateProperties(): { validationEvents: Array<{ message: string }> };
  };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
};

function problems(activity: ReturnType<typeof outcomeActivity>): string[] {
  const content = activity.attachments?.[0]?.content;
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(content, context);
  const parse = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
  return [...parse, ...card.validateProperties().validationEvents.map((e) => e.message)];
}

const FILES = [
  {
    path: "/tmp/x.csv",
    filename: "mfa-report.csv",
    mimeType: "text/csv" as const,
    bytes: 10,
    title: "CSV",
    url: "https://bot.contoso.com/files/download?token=a",
  },
  {
    path: "/tmp/x.png",
    filename: "mfa-report.png",
    mimeType: "image/png" as const,
    bytes: 10,
    title: "Chart",
    altText: "Bar charts",
    url: "https://bot.contoso.com/files/download?token=b",
  },
];

describe("Teams cards through the official Adaptive Cards parser", () => {
  for (const [kind, outcome] of Object.entries(OUTCOMES) as Array<[string, Outcome]>) {
    it(`${kind}: no warnings or errors`, () => {
      expect(problems(outcomeActivity(outcome))).toEqual([]);
    });
  }

  it("the report with its chart image and CSV download button: no warnings or errors", () => {
    const activity = outcomeActivity(OUTCOMES.report, FILES);
    expect(problems(activity)).toEqual([]);
    const body = JSON.stringify(activity.attachments?.[0]?.content);
    expect(body).toContain('"type":"Image"');
    expect(body).toContain('"type":"Action.OpenUrl"');
  });

  it("the full list under a bulk approval card: no warnings or errors", () => {
    const names = Array.from({ length: 400 }, (_, i) => `user${i}@contoso.com`);
    for (const activity of fullListActivities(bulkApprovalView(names)))
      expect(problems(activity)).toEqual([]);
  });
});
