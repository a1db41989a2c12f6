import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Redis } from "ioredis";
import { z } from "zod";
import { canonicalAddress, isUpn } from "../../src/core/ids.js";
import type { OperationStatus } from "../../src/core/statuses.js";
import type { Outcome } from "../../src/notify/outcome.js";
import type { ReplyAddress } from "../../src/notify/port.js";
import { renderText } from "../../src/notify/render-text.js";
import { readCommand, submitCommand } from "../../src/queue/intake.js";
import type { RequestQueue } from "../../src/queue/queues.js";
import { consoleEntrySchema, consoleStreamKey } from "./stream.js";

export interface ConsoleSessionOptions {
  queue: RequestQueue;
  /** A connection of its own: reading the mailbox blocks. */
  reader: Redis;
  prefix: string;
  /** Who types; without one, commands wait for an `as <upn>` line. */
  actor?: string | undefined;
  input: Readable;
  output: Writable;
  /** A terminal: show a prompt and keep going after a slow answer. */
  interactive: boolean;
  /** How long to wait for a worker's answer before saying none is coming. */
  answerTimeoutMs?: number;
  /**
   * Lines answered here rather than by a worker (the demo's `sandbox …` lines). Each runs
   * once everything typed before it has its answer, so it acts on what those did.
   */
  local?: { handles(line: string): boolean; run(line: string): Promise<string> };
}

const STILL_TO_APPLY: ReadonlySet<OperationStatus> = new Set(["approved", "applying"]);

/**
 * `mfa-bot console`: one command a line, through the same queue and worker as Slack and
 * Teams. With piped input it ends once every command has its answer (and every approved
 * operation its result); it returns the exit code.
 */
export async function runConsoleSession(options: ConsoleSessionOptions): Promise<number> {
  const session = randomUUID();
  const mailbox = consoleStreamKey(options.prefix, session);
  const out = (text: string): void => {
    options.output.write(`${text}\n`);
  };
  const timeoutMs = options.answerTimeoutMs ?? 60_000;
  let actor = options.actor === undefined ? undefined : canonicalAddress(options.actor);
  const pending = new Set<string>();
  const applying = new Set<string>();
  let lastActivity = Date.now();
  let inputDone = false;
  let timedOut = false;

  const prompt = () => {
    if (options.interactive) options.output.write(`${actor ?? "mfa"}> `);
  };

  const send = async (line: string): Promise<void> => {
    const text = line.trim();
    if (!text || text.startsWith("#")) return;
    const switchTo = /^as\s+(\S+)$/i.exec(text);
    if (switchTo?.[1]) {
      if (!isUpn(switchTo[1])) return out(`✖ "${switchTo[1].slice(0, 60)}" is not a UPN`);
      actor = canonicalAddress(switchTo[1]);
      return out(`acting as ${actor}`);
    }
    if (options.local?.handles(text)) {
      while (!settled() && !timedOut) await new Promise((resolve) => setTimeout(resolve, 50));
      return out(await options.local.run(text));
    }
    if (!actor) return out("✖ say who you are first: as <upn> (or start with --as <upn>)");
    const reading = readCommand(text);
    if (reading.kind === "usage") return out(`✖ ${reading.error}\n  usage: ${reading.usage}`);
    if (reading.kind === "help") return out(reading.text);
    const requestId = randomUUID();
    const replyTo: ReplyAddress = {
      platform: "console",
      conversation: session,
      user: actor,
      extra: { requestId },
    };
    pending.add(requestId);
    lastActivity = Date.now();
    const submitted = await submitCommand(options.queue, {
      command: reading.command,
      requester: { platform: "console", chatUserId: session, upn: actor },
      replyTo,
      resolve: async () => {
        throw new Error("chat mentions and user groups only work in Slack or Teams; use a UPN or group:<id>");
      },
      requestId,
    });
    if (submitted.ok) return;
    pending.delete(requestId);
    if (submitted.reason === "refused") return out(`✖ ${submitted.error}`);
    throw submitted.error;
  };

  const show = (type: string, outcome: Outcome, to?: string, files: readonly string[] = []) => {
    const text = renderText(outcome);
    if (type === "dm") out(`✉ direct message to ${to}:\n${indent(text)}`);
    else if (type === "update") out(`↻ ${text}`);
    else out(text);
    for (const path of files) out(`📎 saved ${path}`);
  };

  const track = (outcome: Outcome) => {
    // Approved and not yet applied: the change or summary it leads to is still to come.
    if (outcome.kind === "approval" && STILL_TO_APPLY.has(outcome.approval.operationStatus)) {
      applying.add(outcome.approval.id);
    }
    if (outcome.kind === "change" || outcome.kind === "summary") applying.delete(outcome.operationId);
    if (outcome.kind === "text" && outcome.operationId) applying.delete(outcome.operationId);
  };

  const settled = () => pending.size === 0 && applying.size === 0;

  const readMailbox = async (): Promise<void> => {
    let lastId = "0";
    while (!(inputDone && settled() && Date.now() - lastActivity > 300) && !timedOut) {
      const reply = (await options.reader.xread("BLOCK", 250, "STREAMS", mailbox, lastId)) as Array<
        [string, Array<[string, string[]]>]
      > | null;
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          lastId = id;
          lastActivity = Date.now();
          const entry = consoleEntrySchema.safeParse(Object.fromEntries(pairs(fields)));
          if (!entry.success) continue;
          const outcome = JSON.parse(entry.data.outcome) as Outcome;
          show(entry.data.type, outcome, entry.data.to, savedFiles(entry.data.files));
          track(outcome);
          if (entry.data.requestId) pending.delete(entry.data.requestId);
          if (entry.data.type !== "update" && entry.data.type !== "dm") prompt();
        }
      }
      if ((pending.size > 0 || applying.size > 0) && Date.now() - lastActivity > timeoutMs) {
        out(
          `✖ no answer from a worker in ${Math.round(timeoutMs / 1000)} s — is \`mfa-bot worker\` running against the same Redis?`,
        );
        if (!options.interactive) timedOut = true;
        else {
          pending.clear();
          applying.clear();
        }
      }
    }
  };

  const reading = readMailbox();
  const lines = createInterface({ input: options.input, terminal: false });
  prompt();
  for await (const line of lines) {
    if (/^(quit|exit)$/i.test(line.trim())) break;
    await send(line);
    if (options.interactive && !pending.size) prompt();
  }
  inputDone = true;
  lastActivity = Math.max(lastActivity, Date.now() - 300);
  await reading;
  return timedOut ? 1 : 0;
}

function pairs(fields: string[]): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (let i = 0; i + 1 < fields.length; i += 2) result.push([fields[i] as string, fields[i + 1] as string]);
  return result;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}

/** The paths a `files` field lists; anything else in it is ignored rather than shown. */
function savedFiles(field: string | undefined): string[] {
  if (!field) return [];
  try {
    const parsed = z.array(z.string()).safeParse(JSON.parse(field));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
