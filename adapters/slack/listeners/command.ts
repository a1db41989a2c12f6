import { randomUUID } from "node:crypto";
import type { AckFn, App, RespondArguments } from "@slack/bolt";
import type { Command } from "../../../src/core/command.js";
import { VERBS } from "../../../src/core/verbs.js";
import type { Logger } from "../../../src/log.js";
import type { ReplyAddress } from "../../../src/notify/port.js";
import { NOT_QUEUED } from "../../../src/notify/words.js";
import { readCommand, submitCommand } from "../../../src/queue/intake.js";
import { SlackIdentityError } from "../identity.js";
import { type SlashCommandPayload, slashCommandSchema } from "../payloads.js";
import { renderHelp, renderUsageError } from "../render/usage.js";
import type { RequestOrigin } from "../workspace.js";
import { ephemeral, ephemeralError, WORKING_ON_IT } from "./answer.js";
import type { ListenerDeps } from "./deps.js";
import { refusalAfterAck, refusalBeforeAck } from "./origin.js";

export interface SlashCommandArgs {
  body: unknown;
  ack: AckFn<string | RespondArguments>;
  /** Posts to the command's response_url (Bolt's `respond`). */
  respond: (message: RespondArguments) => Promise<unknown>;
}

/**
 * `/mfa …`: answered in the ack itself when the text does not parse or asks for help (no
 * Slack or Graph call before the ack); otherwise acknowledged (with "Working on it…" for the
 * verbs the verb table calls slow), and then the requester and any mentions are resolved and
 * the job is queued through the shared intake. Whatever goes wrong after the ack is answered
 * through response_url, never left silent.
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
  const refusal = refusalBeforeAck(deps, originOf(payload), payload.response_url, deps.logger);
  if (refusal) {
    await args.ack(ephemeralError(refusal));
    return;
  }
  const reading = readCommand(payload.text);
  if (reading.kind === "usage") {
    await args.ack(ephemeral(renderUsageError(reading.error, reading.usage, payload.command)));
    return;
  }
  if (reading.kind === "help") {
    await args.ack(ephemeral(renderHelp(reading.text, payload.command)));
    return;
  }
  const { command } = reading;
  // Redis is away: say so in the ack itself, within Slack's 3 s, rather than after it.
  if (deps.queue.isAvailable?.() === false) {
    deps.logger.warn({ verb: command.verb }, "slash command refused: the queue is unavailable");
    await args.ack(ephemeralError(NOT_QUEUED.request));
    return;
  }
  // Quick commands are answered by the worker within a second or so, and an empty ack is the
  // cheapest one Bolt sends; slow ones say at once that something is happening.
  await (VERBS[command.verb].slow ? args.ack(WORKING_ON_IT) : args.ack());
  await deps.background.afterAck(() => enqueueCommand(command, payload, args.respond, deps));
}

async function enqueueCommand(
  command: Command,
  payload: SlashCommandPayload,
  respond: SlashCommandArgs["respond"],
  deps: ListenerDeps,
): Promise<void> {
  const requestId = randomUUID();
  const log = deps.logger.child({ requestId, slackUser: payload.user_id, verb: command.verb });
  const refusal = await refusalAfterAck(deps, originOf(payload), log);
  if (refusal) {
    await respondSafely(respond, ephemeralError(refusal), log);
    return;
  }
  let upn: string;
  try {
    upn = await deps.identity.upnOf(payload.user_id);
  } catch (err) {
    if (err instanceof SlackIdentityError) {
      log.info({ error: err.message }, "slash command requester not resolved");
      await respondSafely(respond, ephemeralError(capitalise(err.message)), log);
      return;
    }
    log.error({ err }, "slash command requester could not be looked up");
    await respondSafely(respond, ephemeralError(`${NOT_QUEUED.request} (request ${requestId})`), log);
    return;
  }
  const replyTo: ReplyAddress = {
    platform: "slack",
    conversation: payload.channel_id,
    user: payload.user_id,
    extra: { responseUrl: payload.response_url, teamId: payload.team_id },
  };
  const submitted = await submitCommand(deps.queue, {
    command,
    // User ids are unique within a workspace, or within its Grid organisation: the link's key.
    requester: {
      platform: "slack",
      chatUserId: payload.user_id,
      upn,
      teamId: payload.enterprise_id ?? payload.team_id,
    },
    replyTo,
    resolve: deps.identity.resolveTarget,
    // Slack's trigger_id is unique per invocation: a replayed or retried request queues nothing new.
    deliveryKey: `slack-${payload.team_id}-${payload.trigger_id}`,
    requestId,
  });
  if (submitted.ok) {
    log.info({ kind: submitted.job.kind }, "slash command queued");
  } else if (submitted.reason === "refused") {
    log.info({ error: submitted.error }, "slash command not queued");
    await respondSafely(respond, ephemeralError(capitalise(submitted.error)), log);
  } else {
    log.error({ err: submitted.error }, "slash command could not be queued");
    await respondSafely(respond, ephemeralError(`${NOT_QUEUED.request} (request ${requestId})`), log);
  }
}

async function respondSafely(respond: SlashCommandArgs["respond"], message: RespondArguments, log: Logger) {
  try {
    await respond(message);
  } catch (err) {
    log.error({ err }, "could not answer through response_url");
  }
}

function originOf(payload: SlashCommandPayload): RequestOrigin {
  return { teamId: payload.team_id, enterpriseId: payload.enterprise_id };
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
