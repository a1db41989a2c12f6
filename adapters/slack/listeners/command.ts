import { randomUUID } from "node:crypto";
import type { AckFn, App, RespondArguments } from "@slack/bolt";
import type { Command } from "../../../src/core/command.js";
import { helpText, parseCommand } from "../../../src/core/grammar.js";
import type { Logger } from "../../../src/log.js";
import type { ReplyAddress } from "../../../src/notify/port.js";
import { buildJob } from "../../../src/queue/from-command.js";
import { SlackIdentityError } from "../identity.js";
import { type SlashCommandPayload, slashCommandSchema } from "../payloads.js";
import { renderHelp, renderUsageError } from "../render/usage.js";
import { decisionDedupeKey } from "./actions.js";
import { ephemeral, ephemeralError, WORKING_ON_IT } from "./answer.js";
import type { ListenerDeps } from "./deps.js";

export interface SlashCommandArgs {
  body: unknown;
  ack: AckFn<string | RespondArguments>;
  /** Posts to the command's response_url (Bolt's `respond`). */
  respond: (message: RespondArguments) => Promise<unknown>;
}

/**
 * `/mfa …`: answered in the ack itself when the text does not parse or asks for help (no
 * Slack or Graph call before the ack); otherwise acknowledged (with "Working on it…" for the
 * slow commands), and then the requester and any mentions are resolved and the job is
 * queued. Whatever goes wrong after the ack is answered through response_url, never left
 * silent.
 */
export async function handleSlashCommand(args: SlashCommandArgs, deps: ListenerDeps): Promise<void> {
  deps.background.noteActivity();
  const parsedBody = slashCommandSchema.safeParse(args.body);
  if (!parsedBody.success) {
    deps.logger.warn({ issues: parsedBody.error.issues.length }, "slash command payload not understood");
    await args.ack(ephemeralError("I could not read this request from Slack."));
    return;
  }
  const payload = parsedBody.data;
  const parsed = parseCommand(payload.text);
  if (!parsed.ok) {
    await args.ack(ephemeral(renderUsageError(parsed.error, parsed.usage, payload.command)));
    return;
  }
  const command = parsed.command;
  if (command.verb === "help") {
    const topic = command.topic as Parameters<typeof helpText>[0];
    await args.ack(ephemeral(renderHelp(helpText(topic), payload.command)));
    return;
  }
  // Quick commands are answered by the worker within a second or so, and an empty ack is the
  // cheapest one Bolt sends; slow ones say at once that something is happening.
  await (SLOW_VERBS.has(command.verb) ? args.ack(WORKING_ON_IT) : args.ack());
  await deps.background.afterAck(() => enqueueCommand(command, payload, args.respond, deps));
}

const SLOW_VERBS: ReadonlySet<Command["verb"]> = new Set([
  "bulk-enable",
  "report",
  "convert",
  "audit",
  "undo",
]);

async function enqueueCommand(
  command: Command,
  payload: SlashCommandPayload,
  respond: SlashCommandArgs["respond"],
  deps: ListenerDeps,
): Promise<void> {
  const requestId = randomUUID();
  const log = deps.logger.child({ requestId, slackUser: payload.user_id, verb: command.verb });
  try {
    const upn = await deps.identity.upnOf(payload.user_id);
    const replyTo: ReplyAddress = {
      platform: "slack",
      conversation: payload.channel_id,
      user: payload.user_id,
      extra: { responseUrl: payload.response_url, teamId: payload.team_id },
    };
    const requester = { platform: "slack" as const, chatUserId: payload.user_id, upn };
    const built = await buildJob(command, requester, replyTo, deps.identity.resolveTarget, requestId);
    if (!built.ok) {
      log.info({ error: built.error }, "slash command not queued");
      await respondSafely(respond, ephemeralError(capitalise(built.error)), log);
      return;
    }
    const job = built.job;
    // Slack's trigger_id is unique per invocation: a replayed or retried request queues nothing new.
    const dedupeKey =
      job.kind === "decision"
        ? decisionDedupeKey(job.approvalId, payload.user_id, job.decision)
        : `slack-${payload.team_id}-${payload.trigger_id}`;
    await deps.queue.enqueue(job, { dedupeKey });
    log.info({ kind: job.kind }, "slash command queued");
  } catch (err) {
    if (err instanceof SlackIdentityError) {
      log.info({ error: err.message }, "slash command requester not resolved");
      await respondSafely(respond, ephemeralError(capitalise(err.message)), log);
      return;
    }
    log.error({ err }, "slash command could not be queued");
    await respondSafely(
      respond,
      ephemeralError(
        `Your request could not be queued, so nothing was changed. Try again in a minute. (request ${requestId})`,
      ),
      log,
    );
  }
}

async function respondSafely(respond: SlashCommandArgs["respond"], message: RespondArguments, log: Logger) {
  try {
    await respond(message);
  } catch (err) {
    log.error({ err }, "could not answer through response_url");
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Every slash command pointed at this app is `/mfa` (a workspace may have renamed it). */
export function registerSlashCommand(app: App, deps: ListenerDeps): void {
  app.command(/^\/.+/, async ({ body, ack, respond }) => {
    await handleSlashCommand({ body, ack, respond }, deps);
  });
}
