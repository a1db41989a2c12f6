import { randomUUID } from "node:crypto";
import { createTeamsNotifier } from "../../../adapters/teams/notifier.js";
import type { ReplyAddress } from "../../../src/notify/port.js";
import { ALICE, HELPDESK, personalConversationId, TENANT_ID } from "../../adapters/teams/activities.js";
import { cardTexts, connectedRedis } from "../../adapters/teams/harness.js";
import { FakeBotConnector, type SentActivity } from "../../helpers/fake-bot-connector.js";
import { localNetworkOnly } from "../../helpers/local-network.js";
import { notifierContract } from "./notifier-contract.js";

/** The Notifier contract against the Teams notifier, over HTTP to a fake Bot Connector. */

localNetworkOnly();

/** What a person reads in a Teams message: the one-line summary and the card's text. */
const read = (sent: SentActivity | undefined): string =>
  sent ? `${String(sent.activity.summary ?? "")}\n${cardTexts([sent])[0]}` : "";

const NOBODY = {
  id: "29:nobody-teams-id",
  aadObjectId: "44444444-4444-4444-8444-444444444444",
  name: "Nobody",
};

notifierContract(
  "Teams",
  async () => {
    const connector = await new FakeBotConnector().start();
    connector.addMember(HELPDESK).addMember(ALICE).addMember(NOBODY).refuseMember(NOBODY.aadObjectId);
    const redis = await connectedRedis();
    const prefix = `test-notifier-contract-${randomUUID()}`;
    const notifier = createTeamsNotifier(
      { appId: "", appType: "MultiTenant" },
      {
        redis,
        keyPrefix: prefix,
        retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
        publicUrl: "https://mfa-bot.contoso.com",
      },
    );
    const conversation = personalConversationId(HELPDESK);
    return {
      notifier,
      platform: "teams",
      address: (): ReplyAddress => ({
        platform: "teams",
        conversation,
        user: HELPDESK.aadObjectId,
        extra: { serviceUrl: connector.serviceUrl, tenantId: TENANT_ID, conversationType: "personal" },
      }),
      lastReply: async (to) => read(connector.sentTo(to.conversation).at(-1)),
      lastShare: async (to) => {
        const sent = connector.sentTo(to.conversation).at(-1);
        return { text: read(sent), carried: JSON.stringify(sent?.activity.attachments ?? []) };
      },
      messageText: async (ref) =>
        read(connector.activities.filter((a) => a.activityId === ref.messageId).at(-1)),
      reachable: { upn: "alice@contoso.com", objectId: ALICE.aadObjectId },
      unreachable: { upn: "nobody@contoso.com", objectId: NOBODY.aadObjectId },
      directMessageText: async () => read(connector.sentTo(`a:dm-${ALICE.aadObjectId}`).at(-1)),
      async close() {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
        await connector.close();
      },
    };
  },
  { reachesEveryone: false },
);
