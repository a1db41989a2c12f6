import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { consoleEntrySchema, consoleStreamKey } from "../adapters/console/stream.js";
import { parseCommand } from "../src/core/grammar.js";
import type { Outcome } from "../src/notify/outcome.js";
import { buildJob } from "../src/queue/from-command.js";
import type { RequestQueue } from "../src/queue/queues.js";

export interface ConsoleMessage {
  type: string;
  requestId?: string;
  outcome: Outcome;
}

/**
 * A console session without the terminal: types commands onto the queue and reads the
 * worker's answers from the session's mailbox, so a benchmark goes through the same
 * path as a person at the console.
 */
export class ConsoleClient {
  readonly session = randomUUID();
  readonly received: ConsoleMessage[] = [];
  private lastId = "0";

  constructor(
    private readonly queue: RequestQueue,
    private readonly reader: Redis,
    private readonly statePrefix: string,
  ) {}

  async send(actor: string, text: string): Promise<string> {
    const parsed = parseCommand(text);
    if (!parsed.ok) throw new Error(`command does not parse: ${parsed.error}`);
    const requestId = randomUUID();
    const built = await buildJob(
      parsed.command,
      { platform: "console", chatUserId: this.session, upn: actor },
      { platform: "console", conversation: this.session, user: actor, extra: { requestId } },
      async () => {
        throw new Error("no chat targets here");
      },
      requestId,
    );
    if (!built.ok) throw new Error(built.error);
    await this.queue.enqueue(built.job);
    return requestId;
  }

  async waitFor(predicate: (m: ConsoleMessage) => boolean, timeoutMs: number): Promise<ConsoleMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching answer within ${timeoutMs} ms`);
      await this.poll(100);
    }
  }

  private async poll(blockMs: number): Promise<void> {
    const key = consoleStreamKey(this.statePrefix, this.session);
    const reply = (await this.reader.xread("BLOCK", blockMs, "STREAMS", key, this.lastId)) as Array<
      [string, Array<[string, string[]]>]
    > | null;
    for (const [, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        this.lastId = id;
        const record: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
        const entry = consoleEntrySchema.parse(record);
        this.received.push({
          type: entry.type,
          ...(entry.requestId ? { requestId: entry.requestId } : {}),
          outcome: JSON.parse(entry.outcome) as Outcome,
        });
      }
    }
  }
}
