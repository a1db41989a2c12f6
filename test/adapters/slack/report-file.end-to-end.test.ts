import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockTextLength, SLACK_MESSAGE_GUARD } from "../../../adapters/slack/render/guard.js";
import { generateSeed } from "../../../src/sandbox/default-seed.js";
import { CHANNEL, PEOPLE, SlackEndToEnd } from "./end-to-end-harness.js";

/**
 * Issue 12, "Done when": `report` on a 5,000-user tenant through the whole Slack path — one
 * CSV file of every user plus its header, and a chart image, shared through Slack's three
 * upload steps in the channel the command came from; and no message over the size guard
 * (the fake Web API refuses those as Slack does).
 */
const TENANT_SIZE = 5_000;

describe("Slack report on a 5,000-user tenant", () => {
  let e2e: SlackEndToEnd;
  beforeAll(async () => {
    const seed = generateSeed({ users: 0 });
    const staff = seed.users.length;
    e2e = await SlackEndToEnd.start({ sandbox: { seed: generateSeed({ users: TENANT_SIZE - staff }) } });
  }, 60_000);
  afterAll(async () => {
    await e2e?.close();
  });

  it("shares one CSV with a line per user and a PNG chart, with the report's text", async () => {
    expect(e2e.worker.sandbox.tenant.allUsers()).toHaveLength(TENANT_SIZE);
    const res = await e2e.slash(PEOPLE.helpdesk, "report");
    expect(res.status).toBe(200);
    const share = await e2e.fake.waitFor(() => e2e.fake.shares[0], 120_000);
    await e2e.settle(30_000);

    expect(e2e.fake.shares).toHaveLength(1);
    expect(share.channel).toBe(CHANNEL);
    const csv = share.files.filter((f) => f.filename.endsWith(".csv"));
    const png = share.files.filter((f) => f.filename.endsWith(".png"));
    expect(csv).toHaveLength(1);
    expect(png).toHaveLength(1);

    const text = csv[0]!.content.toString("utf8").replace(/^\uFEFF/, "");
    const lines = text.split("\r\n").filter((line) => line !== "");
    expect(lines).toHaveLength(TENANT_SIZE + 1);
    expect(lines[0]).toBe(
      "userPrincipalName,displayName,perUserMfaState,isMfaRegistered,methodsRegistered,defaultMethod,isAdmin,lastChangeBy,lastChangeAt",
    );
    const upns = new Set(lines.slice(1).map((line) => line.split(",")[0]));
    for (const user of e2e.worker.sandbox.tenant.allUsers())
      expect(upns.has(user.userPrincipalName)).toBe(true);

    // A PNG (its signature), with words for screen readers.
    expect(png[0]!.content.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(png[0]!.altText).toMatch(/Disabled: \d+/);

    // The three steps, in Slack's order: a URL per file, then one completion.
    const methods = e2e.fake.calls.map((c) => c.method).filter((m) => m.startsWith("files."));
    expect(methods).toEqual([
      "files.getUploadURLExternal",
      "files.getUploadURLExternal",
      "files.completeUploadExternal",
    ]);

    // The message with the files says the counts in words.
    const words = JSON.stringify(share.blocks);
    expect(words).toContain(`${TENANT_SIZE} users`);
    expect(words).toContain(csv[0]!.filename);

    // Nothing the bot sent is over the guard (the fake refuses those with msg_blocks_too_long).
    const refused = e2e.fake.calls.filter(
      (c) => c.method.startsWith("chat.") || c.method.startsWith("files."),
    );
    expect(refused.length).toBeGreaterThan(0);
    const sent = [
      ...e2e.fake.shares.map((s) => s.blocks),
      ...[...e2e.fake.messages.values()].map((m) => m.blocks),
      ...e2e.fake.ephemerals.map((m) => m.blocks),
      ...e2e.fake.responses.map((r) => (Array.isArray(r.body.blocks) ? r.body.blocks : [])),
    ];
    for (const blocks of sent) {
      expect(blocks.length).toBeLessThanOrEqual(SLACK_MESSAGE_GUARD.blocks);
      expect(blockTextLength(blocks)).toBeLessThanOrEqual(SLACK_MESSAGE_GUARD.blockText);
    }
  }, 180_000);
});
