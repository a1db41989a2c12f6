import { randomUUID } from "node:crypto";
import { TurnContext } from "botbuilder";
import type { Logger } from "../../../src/log.js";
import { NOT_QUEUED } from "../../../src/notify/words.js";
import type { Requester } from "../../../src/queue/from-command.js";
import { type JobSink, readCommand, submitCommand } from "../../../src/queue/intake.js";
import type { ConversationReferenceStore } from "../conversation-refs.js";
import { deliveryKeyOf } from "../delivery-key.js";
import { mentionTarget, senderIdentity, teamsTargetResolver } from "../identity.js";
import { htmlToPlainText, splitMentions, substituteMentions } from "../message-text.js";
import { conversationTypeOf, replyAddressFor } from "../reply-address.js";
import { answer, errorOutcome, usageOutcome } from "./answer.js";

export type { JobSink } from "../../../src/queue/intake.js";

export interface CommandDeps {
  jobs: JobSink;
  references: ConversationReferenceStore;
  logger: Logger;
  /**
   * MicrosoftAppId is empty: nothing signs who sends (adapter.ts refuses all but local requests).
   * Requests say so, and the worker refuses what the policy's requireLinkedIdentity covers.
   */
  emulatorMode?: boolean;
}

/** Who sent an activity, for the job: the UPN Teams gives for the sender's object id. */
export function teamsRequester(deps: CommandDeps, chatUserId: string, upn: string): Requester {
  return { platform: "teams", chatUserId, upn, ...(deps.emulatorMode ? { unauthenticated: true } : {}) };
}

const TEAMS_HELP_INTRO =
  'In a chat with the bot, type a command such as "status alice@contoso.com"; in a channel or group chat, @mention the bot first.';

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
 * A typed command: read with the shared intake, help and usage errors answered at once,
 * anything else becomes a job for the worker, who answers through the TeamsNotifier.
 */
export async function handleCommandMessage(context: TurnContext, deps: CommandDeps): Promise<void> {
  const activity = context.activity;
  const line = await commandLine(context);
  if (!line.ok) return answer(context, errorOutcome(line.error));
  const reading = readCommand(line.line);
  if (reading.kind === "usage") return answer(context, usageOutcome(reading.error, reading.usage));
  if (reading.kind === "help") {
    return answer(context, {
      kind: "text",
      tone: "info",
      title: "mfa-bot commands",
      text: reading.topic ? reading.text : `${TEAMS_HELP_INTRO}\n${reading.text}`,
    });
  }

  // Redis is away: nothing below (the conversation reference, the job) can be kept; say so now.
  if (deps.jobs.isAvailable?.() === false) {
    deps.logger.warn({ verb: reading.command.verb }, "teams: command refused, the queue is unavailable");
    return answer(context, errorOutcome(NOT_QUEUED.request));
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

  const submitted = await submitCommand(deps.jobs, {
    command: reading.command,
    requester: teamsRequester(deps, activity.from.id, sender.upn),
    replyTo: replyAddressFor(activity),
    resolve: teamsTargetResolver,
    deliveryKey: deliveryKeyOf(activity),
    requestId: randomUUID(),
  });
  if (!submitted.ok && submitted.reason === "refused") return answer(context, errorOutcome(submitted.error));
  if (!submitted.ok) {
    deps.logger.error(
      { err: submitted.error, requestId: submitted.requestId },
      "teams: could not enqueue a command",
    );
    return answer(context, errorOutcome(NOT_QUEUED.request));
  }
  deps.logger.info(
    {
      requestId: submitted.requestId,
      verb: reading.command.verb,
      requester: sender.upn,
      conversationType: conversationTypeOf(activity),
    },
    "teams: command queued",
  );
}
