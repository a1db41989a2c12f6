import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConsoleNotifier } from "../../../adapters/console/notifier.js";
import { consoleEntrySchema, consoleStreamKey } from "../../../adapters/console/stream.js";
import type { Outcome } from "../../../src/notify/outcome.js";
import type { ReplyAddress } from "../../../src/notify/port.js";
import { renderText } from "../../../src/notify/render-text.js";
import { connectRedis } from "../../../src/queue/queues.js";
import { REDIS_URL } from "../../helpers/worker-harness.js";
import { notifierContract } from "./notifier-contract.js";

/**
 * The Notifier contract against the console's notifier: messages land in the session's Redis
 * stream, and a person reads them as the console prints them (renderText).
 */

notifierContract(
  "console",
  async () => {
    const redis = connectRedis(REDIS_URL, { blocking: false });
    const prefix = `test-notifier-contract-${randomUUID()}`;
    const session = randomUUID();
    const fileDir = await mkdtemp(join(tmpdir(), "mfa-bot-contract-"));
    const notifier = new ConsoleNotifier(redis, prefix, fileDir);
    const entries = async () => {
      const raw = await redis.xrange(consoleStreamKey(prefix, session), "-", "+");
      return raw.map(([, fields]) => {
        const record: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
        const entry = consoleEntrySchema.parse(record);
        return { ...entry, text: renderText(JSON.parse(entry.outcome) as Outcome) };
      });
    };
    return {
      notifier,
      platform: "console",
      address: (): ReplyAddress => ({
        platform: "console",
        conversation: session,
        user: "helpdesk@contoso.com",
        extra: {},
      }),
      lastReply: async () => (await entries()).filter((e) => e.type === "reply").at(-1)?.text ?? "",
      lastShare: async () => {
        const entry = (await entries()).filter((e) => e.type === "reply" && e.files).at(-1);
        return { text: entry?.text ?? "", carried: entry?.files ?? "" };
      },
      messageText: async (ref) =>
        (await entries()).filter((e) => e.messageId === ref.messageId).at(-1)?.text ?? "",
      reachable: { upn: "alice@contoso.com" },
      unreachable: undefined,
      directMessageText: async (user) =>
        (await entries()).filter((e) => e.type === "dm" && e.to === user.upn).at(-1)?.text ?? "",
      async close() {
        await redis.del(consoleStreamKey(prefix, session));
        await rm(fileDir, { recursive: true, force: true });
        redis.disconnect();
      },
    };
  },
  { reachesEveryone: true },
);
