import { randomUUID } from "node:crypto";
import { copyFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Redis } from "ioredis";
import type { Outcome } from "../../src/notify/outcome.js";
import type * as port from "../../src/notify/port.js";
import { type ConsoleEntry, consoleStreamKey } from "./stream.js";

/** A console session that has gone away should not leave its mailbox behind for long. */
const MAILBOX_TTL_SECONDS = 24 * 3600;

/**
 * Where the console keeps files the bot hands over (the report's CSV, charts): a folder of
 * the system's temporary directory, so a run never litters the folder it was started in; the
 * console prints each file's full path.
 */
export const DEFAULT_CONSOLE_FILE_DIR = join(tmpdir(), "mfa-bot-reports");

/** The console's Notifier: every message lands in the session's Redis stream. */
export class ConsoleNotifier implements port.Notifier {
  private readonly fileDir: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    fileDir: string = DEFAULT_CONSOLE_FILE_DIR,
  ) {
    this.fileDir = resolve(fileDir);
  }

  async reply(to: port.ReplyAddress, outcome: Outcome): Promise<void> {
    await this.append(to.conversation, { type: "reply", messageId: randomUUID(), ...requestOf(to), outcome });
  }

  async post(to: port.ReplyAddress, outcome: Outcome): Promise<port.MessageRef> {
    const messageId = randomUUID();
    await this.append(to.conversation, { type: "post", messageId, ...requestOf(to), outcome });
    return { platform: "console", conversation: to.conversation, messageId, extra: {} };
  }

  /**
   * The console runs beside the worker: files are saved to disk (named after the session's
   * request, so two reports never overwrite each other) and the answer names where.
   */
  async share(to: port.ReplyAddress, outcome: Outcome, files: readonly port.OutgoingFile[]): Promise<void> {
    await mkdir(this.fileDir, { recursive: true });
    const saved: string[] = [];
    const stamp = randomUUID().slice(0, 8);
    for (const file of files) {
      const path = join(this.fileDir, `${stamp}-${file.filename}`);
      await copyFile(file.path, path);
      saved.push(path);
    }
    await this.append(to.conversation, {
      type: "reply",
      messageId: randomUUID(),
      ...requestOf(to),
      files: JSON.stringify(saved),
      outcome,
    });
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
