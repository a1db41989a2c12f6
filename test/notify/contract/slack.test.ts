import { SlackNotifier } from "../../../adapters/slack/notifier.js";
import { silentLogger } from "../../../src/log.js";
import type { ReplyAddress } from "../../../src/notify/port.js";
import { blockText } from "../../adapters/slack/end-to-end-harness.js";
import { FakeSlack } from "../../helpers/fake-slack.js";
import { localNetworkOnly } from "../../helpers/local-network.js";
import { notifierContract } from "./notifier-contract.js";

/** The Notifier contract against the Slack notifier, over HTTP to a fake Slack Web API and response_url. */

localNetworkOnly();

/** What a person reads in a Slack message: the notification text and every text in its blocks. */
const read = (message: { text?: unknown; blocks?: unknown } | undefined): string =>
  message ? `${String(message.text ?? "")}\n${blockText(message.blocks)}` : "";

notifierContract(
  "Slack",
  async () => {
    const fake = await FakeSlack.start();
    fake
      .addUser({ id: "U0HELPDESK", name: "helpdesk", email: "helpdesk@contoso.com" })
      .addUser({ id: "U0ALICE", name: "alice", email: "alice@contoso.com" });
    const notifier = new SlackNotifier({
      botToken: fake.botToken,
      apiUrl: fake.apiUrl,
      logger: silentLogger,
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 1 },
      postIntervalMs: 0,
      updateIntervalMs: 0,
    });
    return {
      notifier,
      platform: "slack",
      address: (): ReplyAddress => ({
        platform: "slack",
        conversation: "C0HELPDESK",
        user: "U0HELPDESK",
        extra: { responseUrl: fake.responseUrl(), teamId: fake.teamId },
      }),
      lastReply: async (to) => read(fake.responsesTo(to.extra.responseUrl ?? "").at(-1)?.body),
      lastShare: async (to) => {
        const share = fake.shares.filter((s) => s.channel === to.conversation).at(-1);
        return { text: read(share), carried: JSON.stringify(share?.files.map((f) => f.filename) ?? []) };
      },
      messageText: async (ref) => read(fake.message(ref.conversation, ref.messageId)),
      reachable: { upn: "alice@contoso.com" },
      unreachable: { upn: "nobody@contoso.com" },
      directMessageText: async () =>
        read([...fake.messages.values()].filter((m) => m.channel === "D0ALICE").at(-1)),
      close: () => fake.close(),
    };
  },
  { reachesEveryone: false },
);
