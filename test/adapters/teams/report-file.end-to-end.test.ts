import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEAMS_ACTIVITY_GUARD_BYTES, teamsPayloadBytes } from "../../../adapters/teams/activity-guard.js";
import { generateSeed } from "../../../src/sandbox/default-seed.js";
import { personalMessage } from "./activities.js";
import { MEMBERS, summaryOf, TeamsEndToEnd } from "./end-to-end-harness.js";

/**
 * Issue 12, "Done when" (Teams): `report` on a 5,000-user tenant answers with a card whose chart
 * and CSV are short-lived links `serve` answers (the route chosen in the README): the CSV has a
 * line per user and its header, the chart is a PNG, and no message is over the size guard.
 */
const TENANT_SIZE = 5_000;

interface CardElement {
  type: string;
  url?: string;
  altText?: string;
  actions?: Array<{ type: string; url?: string; title?: string }>;
}

describe("Teams report on a 5,000-user tenant", () => {
  let e2e: TeamsEndToEnd;
  beforeAll(async () => {
    const staff = generateSeed({ users: 0 }).users.length;
    e2e = await TeamsEndToEnd.start({
      downloads: true,
      sandbox: { seed: generateSeed({ users: TENANT_SIZE - staff }) },
    });
  }, 60_000);
  afterAll(async () => {
    await e2e?.close();
  });

  it("links a CSV of every user and a chart image from the report card", async () => {
    const res = await e2e.post(personalMessage(e2e.serviceUrl, "report", MEMBERS.helpdesk));
    expect(res.status).toBe(200);
    const sent = await e2e.waitForActivity((a) => summaryOf(a).startsWith("Per-user MFA report"), 120_000);
    await e2e.settle(30_000);

    const card = (sent.activity.attachments as Array<{ content: { body: CardElement[] } }>)[0]!.content;
    const image = card.body.find((e) => e.type === "Image");
    const download = card.body
      .filter((e) => e.type === "ActionSet")
      .flatMap((e) => e.actions ?? [])
      .find((a) => a.type === "Action.OpenUrl" && a.title?.includes(".csv"));
    expect(image?.url).toMatch(new RegExp(`^${e2e.baseUrl}/files/download\\?token=`));
    expect(image?.altText).toMatch(/Disabled: \d+/);
    expect(download?.url).toMatch(new RegExp(`^${e2e.baseUrl}/files/download\\?token=`));

    const csv = await fetch(download!.url!);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, "")
      .split("\r\n")
      .filter((line) => line !== "");
    expect(lines).toHaveLength(TENANT_SIZE + 1);
    expect(lines[0]!.startsWith("userPrincipalName,displayName,perUserMfaState")).toBe(true);

    const png = await fetch(image!.url!);
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await png.arrayBuffer()).subarray(0, 4)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    );

    // A link that is not one of ours is a 404 that says so, not a file.
    const forged = await fetch(`${e2e.baseUrl}/files/download?token=${"A".repeat(43)}`);
    expect(forged.status).toBe(404);

    for (const activity of e2e.connector.activities) {
      expect(teamsPayloadBytes(activity.activity)).toBeLessThanOrEqual(TEAMS_ACTIVITY_GUARD_BYTES);
    }
  }, 180_000);
});
