import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Outcome } from "../../src/notify/outcome.js";
import type * as port from "../../src/notify/port.js";
import { type ConsoleEntry, consoleStreamKey } from "./stream.js";

/** A console session that has gone away should not leave its mailbox behind for long. */
const MAILBOX_TTL_SECONDS = 24 * 3600;

/** The console's Notifier: every message lands in the session's Redis stream. */
export class ConsoleNotifier implements port.Notifier {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async reply(to: port.ReplyAddress, outcome: Outcome): Promise<void> {
    await this.append(to.conversation, { type: "reply", messageId: randomUUID(), ...requestOf(to), outcome });
  }

  async post(to: port.ReplyAddress, outcome: Outcome): Promise<port.MessageRef> {
    const messageId = randomUUID();
    await this.append(to.conversation, { type: "post", messageId, ...requestOf(to), outcome });
    return { platform: "console", conversation: to.conversation, messageId, extra: {} };
  }

  async update(ref: port.MessageRef, outcome: Outcome): Promise<void> {
    await this.append(ref.conversation, { type: "update", messageId: ref.messageId, outcome });
  }

  async directMessage(
    user: port.DirectMessageTarget,
    outcome: Outcome,
    context: port.ReplyAddress,
  ): Promise<port.DirectMessageResult> {
    // The console has no other users to write to: it shows the DM in the session that caused it.
    await this.append(context.conversation, { type: "dm", messageId: randomUUID(), to: user.upn, outcome });
    return { delivered: true };
  }

  private async append(
    session: string,
    entry: Omit<ConsoleEntry, "outcome"> & { outcome: Outcome },
  ): Promise<void> {
    const key = consoleStreamKey(this.prefix, session);
    const fields: string[] = [];
    for (const [name, value] of Object.entries({ ...entry, outcome: JSON.stringify(entry.outcome) })) {
      if (value !== undefined) fields.push(name, value);
    }
    await this.redis
      .multi()
      .xadd(key, "*", ...fields)
      .expire(key, MAILBOX_TTL_SECONDS)
      .exec();
  }
}

function requestOf(to: port.ReplyAddress): { requestId?: string } {
  return to.extra.requestId ? { requestId: to.extra.requestId } : {};
}
