import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { slackResponseUrlCheck } from "../../adapters/slack/response-url.js";
import { localNetworkOnly } from "../helpers/local-network.js";
import { SlackServe } from "../helpers/slack-serve.js";

/**
 * Finding 8 of issue 13: Slack requests dated in the future passed (Bolt refuses only stale
 * ones), and a signed payload's response_url was followed to any host. Slack asks apps to refuse
 * timestamps more than five minutes from their clock
 * (https://api.slack.com/authentication/verifying-requests-from-slack), and response_url is
 * Slack's hooks host (https://api.slack.com/interactivity/handling#message_responses).
 */

localNetworkOnly();

const now = () => Math.floor(Date.now() / 1000);
let slack: SlackServe;
/** A host that is not Slack's, recording whatever reaches it. */
let elsewhere: Server;
let elsewhereUrl = "";
const reachedElsewhere: string[] = [];

beforeAll(async () => {
  slack = await SlackServe.start();
  slack.fake.addUser({ id: "U0HELPDESK", name: "helpdesk", email: "helpdesk@contoso.com" });
  elsewhere = createServer((req: IncomingMessage, res) => {
    reachedElsewhere.push(`${req.method} ${req.url}`);
    res.end("ok");
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", () => resolve()));
  const address = elsewhere.address();
  elsewhereUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  await slack.close();
  elsewhere.closeAllConnections();
  await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
});

beforeEach(async () => {
  await slack.queue.queue.obliterate({ force: true });
  slack.fake.calls.length = 0;
  reachedElsewhere.length = 0;
});

describe("X-Slack-Request-Timestamp", () => {
  it("more than five minutes ahead is refused with 401, before anything is read or queued", async () => {
    // 310, not 301: the request may reach the check a second or more after `now()` on a loaded machine.
    for (const ahead of [310, 600, 86_400 * 365]) {
      const sent = await slack.slash("status alice@contoso.com", {}, { timestamp: now() + ahead });
      expect(sent.status).toBe(401);
    }
    expect(await slack.jobs()).toHaveLength(0);
    expect(slack.fake.calls).toHaveLength(0);
  });

  it("a little ahead (clock skew) or a little behind is accepted; stale is refused as before", async () => {
    expect((await slack.slash("status alice@contoso.com", {}, { timestamp: now() + 60 })).status).toBe(200);
    expect((await slack.slash("status alice@contoso.com", {}, { timestamp: now() - 60 })).status).toBe(200);
    expect((await slack.slash("status alice@contoso.com", {}, { timestamp: now() - 600 })).status).toBe(401);
    expect(await slack.jobs()).toHaveLength(2);
  });
});

describe("response_url", () => {
  it("on a host that is not Slack's refuses the command in the ack, queues nothing and posts nothing there", async () => {
    const responseUrl = `${elsewhereUrl}/commands/T0CONTOSO/1/steal`;
    const sent = await slack.slash("status alice@contoso.com", { responseUrl });
    expect(sent.status).toBe(200);
    expect(JSON.stringify(sent.json)).toMatch(/response_url that is not Slack's/);
    // Even a slow command (whose ack says "Working on it") goes nowhere near it.
    await slack.slash("report", { responseUrl });
    expect(await slack.jobs()).toHaveLength(0);
    expect(reachedElsewhere).toEqual([]);
  });

  it("on a host that is not Slack's is never answered through, even for a click it cannot read", async () => {
    const responseUrl = `${elsewhereUrl}/actions/T0CONTOSO/1/steal`;
    await slack.click({ responseUrl, userId: "U0HELPDESK" });
    await slack.click({ responseUrl, userId: "U0HELPDESK", value: "not-an-id" });
    expect(await slack.jobs()).toHaveLength(0);
    expect(reachedElsewhere).toEqual([]);
  });

  it("is Slack's hooks host over https (GovSlack's too), or the configured API's origin in tests", () => {
    const trusted = slackResponseUrlCheck("http://127.0.0.1:9999/api/");
    expect(trusted("https://hooks.slack.com/commands/T0CONTOSO/123/abc")).toBe(true);
    expect(trusted("https://hooks.slack.com/actions/T0CONTOSO/123/abc")).toBe(true);
    expect(trusted("https://hooks.slack.com/app/T0CONTOSO/123/abc")).toBe(true);
    expect(trusted("https://hooks.slack-gov.com/commands/T0CONTOSO/123/abc")).toBe(true);
    expect(trusted("http://127.0.0.1:9999/commands/T0CONTOSO/1")).toBe(true);
    for (const url of [
      "http://hooks.slack.com/commands/T/1/a",
      "https://hooks.slack.com.evil.example/commands/T/1/a",
      "https://evil.example/hooks.slack.com/commands",
      "https://hooks.slack.com:8443/commands/T/1/a",
      "https://user:pw@hooks.slack.com/commands/T/1/a",
      "http://127.0.0.1:9998/commands/T/1",
      "not a url",
    ]) {
      expect(trusted(url), url).toBe(false);
    }
  });
});
