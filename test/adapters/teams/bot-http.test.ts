import { ActivityHandler } from "botbuilder";
import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTeamsAdapter, mountTeams } from "../../../adapters/teams/adapter.js";
import { HttpServer } from "../../../src/http/server.js";
import { createLogger } from "../../../src/log.js";
import { FakeBotConnector } from "../../helpers/fake-bot-connector.js";
import {
  ALICE,
  BOT,
  CHANNEL_ID,
  cardActionInvoke,
  channelMessage,
  HELPDESK,
  installationUpdate,
  MANAGER,
  personalConversationId,
  personalMessage,
  TEAM_ID,
  TENANT_ID,
} from "./activities.js";
import { cardTexts, startTeamsHarness, type TeamsHarness } from "./harness.js";

// Emulator mode (no MicrosoftAppId): authentication is tested in auth.test.ts.
let connector: FakeBotConnector;
let harness: TeamsHarness;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  connector = await new FakeBotConnector().start();
  connector.addMember(HELPDESK).addMember(ALICE).addMember(MANAGER);
  harness = await startTeamsHarness({ appId: "", appType: "MultiTenant" });
});

afterAll(async () => {
  await harness.close();
  await connector.close();
  nock.enableNetConnect();
});

beforeEach(async () => {
  await harness.queue.queue.drain(true);
  connector.activities.length = 0;
  connector.requests.length = 0;
});

const decoded = (path: string) => decodeURIComponent(path);

describe("emulator mode (no MicrosoftAppId) is for a local emulator only", () => {
  it("refuses an activity whose serviceUrl is not on this machine, and asks nobody about its sender", async () => {
    const activity = personalMessage("https://smba.evil.example/teams/", "status alice@contoso.com");
    const res = await harness.post(activity);
    expect(res.status).toBe(401);
    expect(await harness.jobs()).toHaveLength(0);
    expect(connector.requests).toHaveLength(0);
  });
});

describe("commands over POST /api/messages", () => {
  it("status in a personal chat becomes a request job with the sender's UPN from the member look-up", async () => {
    const activity = personalMessage(connector.serviceUrl, "status alice@contoso.com");
    const res = await harness.post(activity);
    expect(res.status).toBe(200);

    const jobs = await harness.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toMatchObject({
      kind: "request",
      requester: { platform: "teams", chatUserId: HELPDESK.id, upn: "helpdesk@contoso.com" },
      command: { verb: "status", target: { kind: "upn", upn: "alice@contoso.com" } },
      replyTo: {
        platform: "teams",
        conversation: personalConversationId(HELPDESK),
        user: HELPDESK.aadObjectId,
        extra: {
          serviceUrl: connector.serviceUrl,
          tenantId: TENANT_ID,
          conversationType: "personal",
          activityId: activity.id,
        },
      },
    });
    expect(connector.memberLookups().map((r) => decoded(r.path))).toEqual([
      `/v3/conversations/${personalConversationId(HELPDESK)}/members/${HELPDESK.aadObjectId}`,
    ]);
    // Nothing is answered synchronously: the worker replies.
    expect(connector.activities).toHaveLength(0);
  });

  it("accepts the `mfa` prefix and rich-text (HTML) messages", async () => {
    const html = '<p>mfa status <a href="mailto:alice@contoso.com">alice@contoso.com</a>&nbsp;</p>';
    expect((await harness.post(personalMessage(connector.serviceUrl, html))).status).toBe(200);
    const jobs = await harness.jobs();
    expect(jobs.map((j) => j.data.command)).toEqual([
      { verb: "status", target: { kind: "upn", upn: "alice@contoso.com" } },
    ]);
  });

  it("in a channel, strips the bot's @mention and resolves a mentioned user to their UPN through Teams", async () => {
    const activity = channelMessage(connector.serviceUrl, "status <at>Alice Smith</at>", {
      mentions: [ALICE],
    });
    expect((await harness.post(activity)).status).toBe(200);

    const jobs = await harness.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toMatchObject({
      requester: { upn: "helpdesk@contoso.com" },
      command: { verb: "status", target: { kind: "upn", upn: "alice@contoso.com" } },
      replyTo: {
        conversation: `${CHANNEL_ID};messageid=${activity.id}`,
        extra: { conversationType: "channel", tenantId: TENANT_ID },
      },
    });
    // In a team, Teams looks members up by team id; both the mention and the sender were looked up.
    expect(
      connector
        .memberLookups()
        .map((r) => decoded(r.path))
        .sort(),
    ).toEqual(
      [
        `/v3/conversations/${TEAM_ID}/members/${ALICE.aadObjectId}`,
        `/v3/conversations/${TEAM_ID}/members/${HELPDESK.aadObjectId}`,
      ].sort(),
    );
  });

  it("answers a refused command at once with the usage, and queues nothing", async () => {
    const activity = personalMessage(connector.serviceUrl, "status");
    expect((await harness.post(activity)).status).toBe(200);

    expect(await harness.jobs()).toHaveLength(0);
    const sent = connector.sentTo(personalConversationId(HELPDESK));
    expect(sent).toHaveLength(1);
    const [text] = cardTexts(sent);
    expect(text).toContain('"status" needs exactly one user');
    expect(text).toContain("Usage: mfa status <user>");
    expect(sent[0]!.activity.attachments).toMatchObject([
      { contentType: "application/vnd.microsoft.card.adaptive" },
    ]);
  });

  it("answers help directly, without a look-up or a job", async () => {
    expect((await harness.post(personalMessage(connector.serviceUrl, "help"))).status).toBe(200);
    expect(await harness.jobs()).toHaveLength(0);
    expect(connector.memberLookups()).toHaveLength(0);
    const [text] = cardTexts(connector.sentTo(personalConversationId(HELPDESK)));
    expect(text).toContain("status <user>");
    expect(text).toContain("@mention the bot");
  });

  it("refuses a sender Teams cannot look up (never trusts the display name)", async () => {
    const stranger = { ...ALICE, id: "29:stranger", aadObjectId: "44444444-4444-4444-8444-444444444444" };
    const activity = personalMessage(connector.serviceUrl, "status alice@contoso.com", stranger);
    expect((await harness.post(activity)).status).toBe(200);
    expect(await harness.jobs()).toHaveLength(0);
    const [text] = cardTexts(connector.sentTo(personalConversationId(stranger)));
    expect(text).toContain("Teams does not know you");
  });

  it("refuses a mention of something that is not a person", async () => {
    const tag = { id: "tag-id-1234", name: "Helpdesk team" };
    const activity = channelMessage(connector.serviceUrl, "status <at>Helpdesk team</at>", {
      mentions: [tag],
    });
    expect((await harness.post(activity)).status).toBe(200);
    expect(await harness.jobs()).toHaveLength(0);
    expect(cardTexts(connector.activities)[0]).toContain("is not a person");
  });
});

describe("approval card clicks", () => {
  const cardActivityId = "1700000000123";
  const conversation = { id: `${CHANNEL_ID};messageid=1700000000000`, conversationType: "channel" };

  it("an adaptiveCard/action invoke becomes one decision job, however often it is clicked", async () => {
    const click = () =>
      cardActionInvoke(connector.serviceUrl, {
        verb: "mfa.approve",
        data: { approvalId: "k3m9p2xq" },
        clicker: MANAGER,
        conversation,
        cardActivityId,
      });
    const first = await harness.post(click());
    const second = await harness.post(click());
    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        statusCode: 200,
        type: "application/vnd.microsoft.activity.message",
        value: "Recording your decision…",
      });
    }

    const jobs = await harness.jobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toMatchObject({
      kind: "decision",
      approvalId: "k3m9p2xq",
      decision: "approve",
      decider: { platform: "teams", chatUserId: MANAGER.id, upn: "manager@contoso.com" },
      replyTo: {
        conversation: conversation.id,
        user: MANAGER.aadObjectId,
        extra: { activityId: cardActivityId, privateReply: "true", conversationType: "channel" },
      },
    });
    // The card is left alone: the worker updates it for everyone once the decision is applied.
    expect(connector.activities).toHaveLength(0);
  });

  // Universal Action Model (https://learn.microsoft.com/adaptive-cards/authoring-cards/universal-action-model#response-format):
  // the invoke's HTTP status is 200 whatever happened; the error is the body's statusCode.
  it("answers a bad card click with HTTP 200 and an error statusCode in the body, and queues nothing", async () => {
    const res = await harness.post(
      cardActionInvoke(connector.serviceUrl, {
        verb: "mfa.approve",
        data: { approvalId: "'; DROP" },
        clicker: MANAGER,
        conversation,
        cardActivityId,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 400, type: "application/vnd.microsoft.error" });
    expect(await harness.jobs()).toHaveLength(0);
  });

  it("handles the Action.Submit fallback (a message with a value) the same way", async () => {
    const activity = {
      ...personalMessage(connector.serviceUrl, "", MANAGER),
      text: undefined,
      replyToId: cardActivityId,
      value: { verb: "mfa.reject", approvalId: "K3M9P2XQ" },
    };
    expect((await harness.post(activity)).status).toBe(200);
    const jobs = await harness.jobs();
    expect(jobs.map((j) => j.data)).toMatchObject([
      {
        kind: "decision",
        approvalId: "k3m9p2xq",
        decision: "reject",
        decider: { upn: "manager@contoso.com" },
      },
    ]);
  });
});

describe("conversation references", () => {
  it("stores the 1:1 chat by object id and UPN when the app is installed, and forgets it on removal", async () => {
    expect((await harness.post(installationUpdate(connector.serviceUrl, ALICE, "add"))).status).toBe(200);
    for (const keys of [{ objectId: ALICE.aadObjectId }, { upn: "alice@contoso.com" }]) {
      const stored = await harness.references.personalFor(keys);
      expect(stored).toMatchObject({
        serviceUrl: connector.serviceUrl,
        conversation: { id: personalConversationId(ALICE), tenantId: TENANT_ID },
        bot: { id: BOT.id },
      });
    }
    expect((await harness.post(installationUpdate(connector.serviceUrl, ALICE, "remove"))).status).toBe(200);
    expect(await harness.references.forConversation(personalConversationId(ALICE))).toBeNull();
  });

  it("stores a channel's reference by the channel, not the thread", async () => {
    await harness.post(channelMessage(connector.serviceUrl, "help"));
    expect(await harness.references.forConversation(`${CHANNEL_ID};messageid=999`)).toMatchObject({
      conversation: { id: CHANNEL_ID, conversationType: "channel" },
    });
  });
});

describe("the endpoint itself", () => {
  it("warns at mount time that emulator mode is unauthenticated and for development only", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info" }, { write: (line: string) => void lines.push(line) });
    const adapter = createTeamsAdapter({ appId: "", appType: "MultiTenant" }, logger);
    mountTeams(
      new HttpServer(logger),
      { appId: "", appType: "MultiTenant" },
      { adapter, bot: new ActivityHandler(), logger },
    );
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      { level: 40, msg: expect.stringMatching(/emulator mode.*NOT authenticated.*development only/) },
    ]);
  });

  it("answers 400 to something that is not an activity, 415 to a body that is not JSON", async () => {
    expect((await harness.post({ hello: "world" })).status).toBe(400);
    const res = await fetch(`${harness.baseUrl}/api/messages`, { method: "POST", body: "x" });
    expect(res.status).toBe(415);
  });
});
