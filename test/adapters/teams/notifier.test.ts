import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConversationReferenceStore } from "../../../adapters/teams/conversation-refs.js";
import { createTeamsNotifier, type TeamsNotifier } from "../../../adapters/teams/notifier.js";
import { createLogger } from "../../../src/log.js";
import type { Outcome } from "../../../src/notify/outcome.js";
import type { ReplyAddress } from "../../../src/notify/port.js";
import { FakeBotConnector, type SentActivity } from "../../helpers/fake-bot-connector.js";
import { localNetworkOnly } from "../../helpers/local-network.js";
import { bulkApprovalView } from "../../notify/outcome-fixtures.js";
import {
  ALICE,
  BOT,
  CHANNEL_ID,
  HELPDESK,
  MANAGER,
  personalConversationId,
  TENANT_ID,
} from "./activities.js";
import { cardTexts, connectedRedis } from "./harness.js";

let connector: FakeBotConnector;
let redis: Redis;
let prefix: string;
let references: ConversationReferenceStore;
let notifier: TeamsNotifier;
const sleeps: number[] = [];

localNetworkOnly();

beforeAll(async () => {
  connector = await new FakeBotConnector().start();
  connector.addMember(HELPDESK).addMember(ALICE).addMember(MANAGER);
  redis = await connectedRedis();
  prefix = `test-teams-notify-${randomUUID()}`;
  references = new ConversationReferenceStore(redis, prefix);
  notifier = createTeamsNotifier(
    { appId: "", appType: "MultiTenant" },
    {
      redis,
      keyPrefix: prefix,
      retry: {
        attempts: 4,
        baseDelayMs: 100,
        maxDelayMs: 1000,
        timing: {
          sleep: async (ms) => {
            sleeps.push(ms);
          },
        },
      },
    },
  );
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await connector.close();
});

beforeEach(() => {
  connector.activities.length = 0;
  connector.requests.length = 0;
  connector.conversations.length = 0;
  sleeps.length = 0;
});

const channelThread = `${CHANNEL_ID};messageid=1700000000000`;

function channelAddress(extra: Record<string, string> = {}): ReplyAddress {
  return {
    platform: "teams",
    conversation: channelThread,
    user: HELPDESK.aadObjectId,
    extra: { serviceUrl: connector.serviceUrl, tenantId: TENANT_ID, conversationType: "channel", ...extra },
  };
}

function personalAddress(member = HELPDESK): ReplyAddress {
  return {
    platform: "teams",
    conversation: personalConversationId(member),
    user: member.aadObjectId,
    extra: { serviceUrl: connector.serviceUrl, tenantId: TENANT_ID, conversationType: "personal" },
  };
}

const progress = (done: number): Outcome => ({
  kind: "progress",
  operationId: "abcdefgh",
  action: "enable",
  done,
  total: 10,
  failed: 0,
});

const reminder: Outcome = {
  kind: "registerReminder",
  upn: "alice@contoso.com",
  setupUrl: "https://aka.ms/mfasetup",
  attempt: 1,
  requestedBy: "helpdesk@contoso.com",
};

describe("TeamsNotifier", () => {
  it("posts a card into the request's channel thread and returns a ref that edits it", async () => {
    const ref = await notifier.post(channelAddress(), progress(1));
    expect(ref).toEqual({
      platform: "teams",
      conversation: channelThread,
      messageId: expect.any(String),
      extra: { serviceUrl: connector.serviceUrl, tenantId: TENANT_ID, conversationType: "channel" },
    });
    const [sent] = connector.activities;
    expect(sent).toMatchObject({ kind: "send", conversationId: channelThread, activityId: ref.messageId });
    expect(sent!.activity).toMatchObject({
      type: "message",
      summary: "Enable MFA: 1 of 10 done",
      attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: { version: "1.5" } }],
    });

    await notifier.update(ref, progress(7));
    const edit = connector.activities[1]!;
    expect(edit).toMatchObject({ kind: "update", conversationId: channelThread, activityId: ref.messageId });
    expect(cardTexts([edit])[0]).toContain("7 of 10");
  });

  it("coalesces edits of one message: only the newest waiting edit is sent", async () => {
    const ref = await notifier.post(channelAddress(), progress(0));
    connector.activities.length = 0;
    await Promise.all([1, 2, 3, 4, 5, 6].map((done) => notifier.update(ref, progress(done))));
    const edits = connector.activities.filter((a) => a.kind === "update");
    expect(edits.length).toBeLessThan(6);
    expect(cardTexts(edits.slice(-1))[0]).toContain("6 of 10");
  });

  it("replies in a personal chat in that chat", async () => {
    await notifier.reply(personalAddress(), { kind: "text", tone: "info", text: "hello there" });
    expect(connector.activities).toMatchObject([
      { kind: "send", conversationId: personalConversationId(HELPDESK) },
    ]);
  });

  it("answers a refused card click in a channel privately, in a 1:1 chat it creates", async () => {
    const refusal: Outcome = { kind: "text", tone: "error", text: "you cannot approve your own request" };
    await notifier.reply(channelAddress({ privateReply: "true" }), refusal);
    expect(connector.sentTo(channelThread)).toHaveLength(0);
    expect(connector.conversations).toHaveLength(1);
    expect(connector.conversations[0]!.parameters).toMatchObject({
      isGroup: false,
      members: [{ id: HELPDESK.aadObjectId }],
      tenantId: TENANT_ID,
      channelData: { tenant: { id: TENANT_ID } },
    });
    const dm = connector.sentTo(`a:dm-${HELPDESK.aadObjectId}`);
    expect(dm).toMatchObject([{ kind: "send" }]);
    expect(cardTexts(dm)[0]).toContain("you cannot approve your own request");
  });

  it("sends a reminder DM through the stored 1:1 chat when there is one", async () => {
    await references.rememberPersonal(
      {
        channelId: "msteams",
        serviceUrl: connector.serviceUrl,
        conversation: {
          id: personalConversationId(ALICE),
          conversationType: "personal",
          tenantId: TENANT_ID,
          isGroup: false,
          name: "",
        },
        bot: BOT,
        user: { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId },
      },
      { objectId: ALICE.aadObjectId, upn: "alice@contoso.com" },
    );
    const result = await notifier.directMessage({ upn: "alice@contoso.com" }, reminder, personalAddress());
    expect(result).toEqual({ delivered: true });
    expect(connector.conversations).toHaveLength(0);
    const [sent] = connector.sentTo(personalConversationId(ALICE));
    expect(cardTexts([sent!])[0]).toContain("https://aka.ms/mfasetup");
    expect(sent!.activity.attachments).toMatchObject([
      {
        content: {
          body: expect.arrayContaining([
            {
              type: "ActionSet",
              actions: [expect.objectContaining({ type: "Action.OpenUrl", url: "https://aka.ms/mfasetup" })],
            },
          ]),
        },
      },
    ]);
    await references.forget(personalConversationId(ALICE), {
      objectId: ALICE.aadObjectId,
      upn: "alice@contoso.com",
    });
  });

  it("creates a 1:1 chat for a proactive DM when none is stored, and reuses it next time", async () => {
    const target = { upn: "manager@contoso.com", objectId: MANAGER.aadObjectId };
    expect(await notifier.directMessage(target, reminder, personalAddress())).toEqual({ delivered: true });
    expect(await notifier.directMessage(target, reminder, personalAddress())).toEqual({ delivered: true });
    expect(connector.conversations).toHaveLength(1);
    expect(connector.sentTo(`a:dm-${MANAGER.aadObjectId}`)).toHaveLength(2);
    expect(await references.personalFor({ upn: "manager@contoso.com" })).toMatchObject({
      conversation: { id: `a:dm-${MANAGER.aadObjectId}` },
    });
  });

  it("starts a new 1:1 chat when the stored one is gone (the user removed the app)", async () => {
    const stale = "a:stale-chat";
    await references.rememberPersonal(
      {
        channelId: "msteams",
        serviceUrl: connector.serviceUrl,
        conversation: {
          id: stale,
          conversationType: "personal",
          tenantId: TENANT_ID,
          isGroup: false,
          name: "",
        },
        bot: BOT,
      },
      { objectId: ALICE.aadObjectId },
    );
    connector.failNext({ method: "POST", path: /a%3Astale-chat|a:stale-chat/, status: 403 });
    const target = { upn: "alice@contoso.com", objectId: ALICE.aadObjectId };
    expect(await notifier.directMessage(target, reminder, personalAddress())).toEqual({ delivered: true });
    expect(connector.sentTo(`a:dm-${ALICE.aadObjectId}`)).toHaveLength(1);
    expect(await references.forConversation(stale)).toBeNull();
    expect(await references.personalFor({ objectId: ALICE.aadObjectId })).toMatchObject({
      conversation: { id: `a:dm-${ALICE.aadObjectId}` },
    });
    await references.forget(`a:dm-${ALICE.aadObjectId}`, target);
  });

  it("reports a user the bot cannot reach instead of failing", async () => {
    const outsider = "55555555-5555-4555-8555-555555555555";
    connector
      .addMember({ id: "29:outsider", aadObjectId: outsider, name: "Out Sider" })
      .refuseMember(outsider);
    const result = await notifier.directMessage(
      { upn: "outsider@contoso.com", objectId: outsider },
      reminder,
      personalAddress(),
    );
    expect(result.delivered).toBe(false);
    expect(result.delivered === false && result.reason).toContain("not installed for them");

    const unknown = await notifier.directMessage({ upn: "nobody@contoso.com" }, reminder, personalAddress());
    expect(unknown).toEqual({ delivered: false, reason: expect.stringContaining("object id is not known") });
    expect(connector.activities).toHaveLength(0);
  });

  it("retries throttling (429) and a racing edit (412) with backoff, honouring Retry-After", async () => {
    connector.failNext({ method: "POST", path: /\/activities$/, status: 429, times: 2 });
    const ref = await notifier.post(channelAddress(), progress(2));
    expect(ref.messageId).not.toBe("");
    expect(connector.sentTo(channelThread)).toHaveLength(1);
    expect(sleeps).toHaveLength(2);

    sleeps.length = 0;
    connector.failNext({ method: "PUT", status: 412, headers: { "retry-after": "0.5" } });
    await notifier.update(ref, progress(3));
    expect(sleeps).toEqual([expect.any(Number)]);
    expect(sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(connector.activities.filter((a) => a.kind === "update")).toHaveLength(1);
  });

  it("gets a message through a brief 502 from the service", async () => {
    connector.failNext({ method: "POST", path: /\/activities$/, status: 502 });
    const ref = await notifier.post(channelAddress(), progress(4));
    expect(connector.sentTo(channelThread)).toMatchObject([{ activityId: ref.messageId }]);
  });

  it("does not retry what retrying cannot fix", async () => {
    connector.failNext({ method: "POST", path: /\/activities$/, status: 400 });
    await expect(notifier.post(channelAddress(), progress(1))).rejects.toMatchObject({ statusCode: 400 });
    expect(sleeps).toHaveLength(0);
  });

  it("says which conversation it cannot reach when nothing is known about it", async () => {
    await expect(
      notifier.post(
        { platform: "teams", conversation: "19:unknown@thread.tacv2", user: "x", extra: {} },
        progress(1),
      ),
    ).rejects.toThrow(/no Teams service URL known for conversation 19:unknown/);
  });

  describe("a bulk approval card that leaves names out", () => {
    const names = Array.from({ length: 400 }, (_, i) => `user${String(i).padStart(4, "0")}@contoso.com`);
    const forged = `<at>${MANAGER.name}</at> **[approve here](https://evil.example)**`;
    const approval = bulkApprovalView(names, [forged]);
    const card: Outcome = { kind: "approval", approval };

    /** Every element of a sent card, depth first. */
    function elementsOf(sent: SentActivity): Array<Record<string, unknown>> {
      const found: Array<Record<string, unknown>> = [];
      const walk = (value: unknown): void => {
        if (Array.isArray(value)) {
          value.forEach(walk);
          return;
        }
        if (typeof value !== "object" || value === null) return;
        const element = value as Record<string, unknown>;
        if (typeof element.type === "string") found.push(element);
        walk(element.body);
        walk(element.inlines);
      };
      const attachments = sent.activity.attachments as Array<{ content?: unknown }> | undefined;
      for (const attachment of attachments ?? []) walk(attachment.content);
      return found;
    }

    function runTexts(sent: SentActivity[]): string {
      return sent
        .flatMap(elementsOf)
        .filter((e) => e.type === "TextRun")
        .map((e) => String(e.text))
        .join("\n");
    }

    it("sends everyone as replies in the card's channel thread, in cards well under Teams' size limit", async () => {
      const ref = await notifier.post(channelAddress(), card);
      const [sentCard, ...followUps] = connector.activities;
      expect(sentCard).toMatchObject({
        kind: "send",
        conversationId: channelThread,
        activityId: ref.messageId,
      });
      expect(ref.conversation).toBe(channelThread);

      expect(followUps.length).toBeGreaterThan(1);
      for (const sent of followUps) {
        expect(sent).toMatchObject({ kind: "send", conversationId: channelThread });
        expect(Buffer.byteLength(JSON.stringify(sent.activity))).toBeLessThan(14_000);
        // Nothing a host would read as a mention or Markdown: no text, no entities, no TextBlock.
        expect(sent.activity.text).toBeUndefined();
        expect(sent.activity.entities).toBeUndefined();
        expect(elementsOf(sent).map((e) => e.type)).not.toContain("TextBlock");
        // The fallback holds the whole list too (adaptiveCard cuts it at 4,000 characters).
        expect(cardTexts([sent])[0]).not.toMatch(/…$/);
      }
      const listed = runTexts(followUps).split("\n");
      for (const upn of names) expect(listed).toContain(upn);
      expect(listed).toContain(forged);
      expect(cardTexts(followUps).join("\n")).toContain(forged);
      expect(cardTexts(followUps)[0]).toContain("Will change (400)");
    });

    it("replies under the card when the card started a new thread in the channel", async () => {
      const ref = await notifier.post(
        { ...channelAddress(), conversation: CHANNEL_ID },
        { kind: "approval", approval },
      );
      expect(connector.sentTo(CHANNEL_ID)).toMatchObject([{ kind: "send", activityId: ref.messageId }]);
      const thread = connector.sentTo(`${CHANNEL_ID};messageid=${ref.messageId}`);
      expect(thread.length).toBe(connector.activities.length - 1);
      expect(thread.length).toBeGreaterThan(1);
      for (const upn of names) expect(runTexts(thread)).toContain(upn);
    });

    it("follows the card in a chat without threads", async () => {
      await notifier.post(personalAddress(), card);
      const sent = connector.sentTo(personalConversationId(HELPDESK));
      expect(sent.length).toBe(connector.activities.length);
      expect(sent.length).toBeGreaterThan(2);
      for (const upn of names) expect(runTexts(sent.slice(1))).toContain(upn);
    });

    it("paces every follow-up like any other message to the channel", async () => {
      const waits: Array<[string, string | undefined]> = [];
      const paced = createTeamsNotifier(
        { appId: "", appType: "MultiTenant" },
        {
          redis,
          keyPrefix: prefix,
          pacer: { wait: async (conversation, tenant) => void waits.push([conversation, tenant]) },
        },
      );
      await paced.post({ ...channelAddress(), conversation: CHANNEL_ID }, card);
      expect(connector.activities.length).toBeGreaterThan(2);
      expect(waits).toEqual(connector.activities.map(() => [CHANNEL_ID, TENANT_ID]));
    });

    it("sends nothing more when the card shows every name", async () => {
      const { allNames: _all, ...whole } = approval;
      await notifier.post(channelAddress(), { kind: "approval", approval: whole });
      expect(connector.activities).toHaveLength(1);
    });

    it("logs a failed list and still returns the card", async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const logged = createTeamsNotifier(
        { appId: "", appType: "MultiTenant" },
        { redis, keyPrefix: prefix, logger: createLogger({ level: "info" }, sink) },
      );
      // Only the replies' path names the card's thread: the card itself goes through.
      connector.failNext({ method: "POST", path: /messageid/i, status: 400 });
      const ref = await logged.post({ ...channelAddress(), conversation: CHANNEL_ID }, card);
      expect(connector.sentTo(CHANNEL_ID)).toMatchObject([{ activityId: ref.messageId }]);
      expect(connector.activities).toHaveLength(1);
      const warning = lines.map((l) => JSON.parse(l)).find((l) => /full list/.test(l.msg));
      expect(warning).toMatchObject({ level: 40, status: 400, approvalId: "k3m9p2xq" });
    });
  });
});
