import { randomUUID } from "node:crypto";
import { TurnContext } from "botbuilder";
import type { Verb } from "../../../src/core/command.js";
import { helpText, parseCommand } from "../../../src/core/grammar.js";
import type { Logger } from "../../../src/log.js";
import { buildJob } from "../../../src/queue/from-command.js";
import type { AnyJob } from "../../../src/queue/jobs.js";
import type { ConversationReferenceStore } from "../conversation-refs.js";
import { mentionTarget, senderIdentity, teamsTargetResolver } from "../identity.js";
import { htmlToPlainText, splitMentions, substituteMentions } from "../message-text.js";
import { conversationTypeOf, replyAddressFor } from "../reply-address.js";
import { answer, errorOutcome, usageOutcome } from "./answer.js";

/** The producer side of the queue (RequestQueue satisfies it). */
export interface JobSink {
  enqueue(job: AnyJob, options?: { dedupeKey?: string }): Promise<string>;
}

export interface CommandDeps {
  jobs: JobSink;
  references: ConversationReferenceStore;
  logger: Logger;
}

const TEAMS_HELP_INTRO =
  'In a chat with the bot, type a command such as "status alice@contoso.com"; in a channel or group chat, @mention the bot first.';

/** Same key for a typed `approve` and a card click: one person decides an approval once. */
export function decisionDedupeKey(approvalId: string, decider: string): string {
  return `teams-${approvalId}-${decider.toLowerCase()}`;
}

/** The command with every @mention of a person replaced by their UPN (or object id). */
async function commandLine(
  context: TurnContext,
): Promise<{ ok: true; line: string } | { ok: false; error: string }> {
  const { text, mentions } = splitMentions(context.activity);
  const byId = new Map<string, string>();
  for (const mention of mentions) {
    if (byId.has(mention.id)) continue;
    const target = await mentionTarget(context, mention);
    if (!target.ok) return target;
    byId.set(mention.id, target.value);
  }
  const substituted = substituteMentions(
    text,
    mentions.map((mention) => ({ text: mention.text, value: byId.get(mention.id) ?? "" })),
  );
  return { ok: true, line: htmlToPlainText(substituted) };
}

/**
 * A typed command: parsed with the shared grammar, help and usage errors answered at once,
 * anything else becomes a job for the worker, who answers through the TeamsNotifier.
 */
export async function handleCommandMessage(context: TurnContext, deps: CommandDeps): Promise<void> {
  const activity = context.activity;
  const line = await commandLine(context);
  if (!line.ok) return answer(context, errorOutcome(line.error));
  const parsed = parseCommand(line.line);
  if (!parsed.ok) return answer(context, usageOutcome(parsed.error, parsed.usage));
  const command = parsed.command;
  if (command.verb === "help") {
    // The grammar only produces topics that are verbs.
    const text = helpText(command.topic as Verb | undefined);
    return answer(context, {
      kind: "text",
      tone: "info",
      title: "mfa-bot commands",
      text: command.topic ? text : `${TEAMS_HELP_INTRO}\n${text}`,
    });
  }

  const sender = await senderIdentity(context);
  if (!sender.ok) return answer(context, errorOutcome(sender.error));
  const objectId = sender.objectId ?? activity.from.aadObjectId;
  if (conversationTypeOf(activity) === "personal") {
    await deps.references.rememberPersonal(TurnContext.getConversationReference(activity), {
      objectId,
      upn: sender.upn,
    });
  }

  const requestId = randomUUID();
  const requester = { platform: "teams" as const, chatUserId: activity.from.id, upn: sender.upn };
  const built = await buildJob(command, requester, replyAddressFor(activity), teamsTargetResolver, requestId);
  if (!built.ok) return answer(context, errorOutcome(built.error));
  const job = built.job;
  try {
    await deps.jobs.enqueue(
      job,
      job.kind === "decision" ? { dedupeKey: decisionDedupeKey(job.approvalId, objectId ?? sender.upn) } : {},
    );
  } catch (err) {
    deps.logger.error({ err, requestId }, "teams: could not enqueue a command");
    return answer(
      context,
      errorOutcome("The bot could not take the request just now; nothing was changed. Try again."),
    );
  }
  deps.logger.info(
    { requestId, verb: command.verb, requester: sender.upn, conversationType: conversationTypeOf(activity) },
    "teams: command queued",
  );
}
