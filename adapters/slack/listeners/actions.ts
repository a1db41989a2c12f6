import { randomUUID } from "node:crypto";
import type { AckFn, App, RespondArguments } from "@slack/bolt";
import type { ReplyAddress } from "../../../src/notify/port.js";
import { NOT_QUEUED } from "../../../src/notify/words.js";
import { submitCommand } from "../../../src/queue/intake.js";
import {
  APPROVE_ACTION_ID,
  decisionOfAction,
  REJECT_ACTION_ID,
  STAGE_ACTION_IDS,
  stageVerbOfAction,
} from "../action-ids.js";
import { SlackIdentityError } from "../identity.js";
import { approvalClickSchema } from "../payloads.js";
import { ephemeralError } from "./answer.js";
import type { ListenerDeps } from "./deps.js";
import { refusalAfterAck, refusalBeforeAck, UNTRUSTED_RESPONSE_URL } from "./origin.js";

export interface ApprovalClickArgs {
  body: unknown;
  ack: AckFn<void>;
  /** Posts to the click's response_url; undefined when Slack sent none. */
  respond?: ((message: RespondArguments) => Promise<unknown>) | undefined;
}

/**
 * Approve / Reject on an approval card: acknowledged at once, then queued through the shared
 * intake as a decision job that carries the approval id and who clicked, nothing else from the
 * payload. The worker decides (self-approval, role, expiry, already decided) and answers the
 * clicker privately.
 */
export async function handleApprovalClick(args: ApprovalClickArgs, deps: ListenerDeps): Promise<void> {
  deps.background.noteActivity();
  await args.ack();
  await deps.background.afterAck(() => enqueueDecision(args, deps));
}

async function enqueueDecision(args: ApprovalClickArgs, deps: ListenerDeps): Promise<void> {
  const requestId = randomUUID();
  const parsed = approvalClickSchema.safeParse(args.body);
  const action = parsed.success ? parsed.data.actions[0] : undefined;
  // Approve/Reject on an approval card, or Continue/Abort on a paused bulk: the value is the id.
  const decision = action
    ? (decisionOfAction(action.action_id) ?? stageVerbOfAction(action.action_id))
    : undefined;
  if (!parsed.success || !action || !decision) {
    deps.logger.warn({ requestId, issues: parsed.error?.issues.length }, "approval click not understood");
    await answer(args, ephemeralError("This button is not valid any more."), deps);
    return;
  }
  const click = parsed.data;
  const log = deps.logger.child({ requestId, slackUser: click.user.id, approvalId: action.value, decision });
  const origin = {
    teamId: click.team?.id,
    enterpriseId: click.enterprise?.id ?? click.team?.enterprise_id,
    userTeamId: click.user.team_id,
  };
  const early = refusalBeforeAck(deps, origin, click.response_url, log);
  // A response_url that is not Slack's is never answered through; the click is dropped.
  if (early === UNTRUSTED_RESPONSE_URL) return;
  const refusal = early ?? (await refusalAfterAck(deps, origin, log));
  if (refusal) {
    await answer(args, ephemeralError(refusal), deps);
    return;
  }
  let upn: string;
  try {
    upn = await deps.identity.upnOf(click.user.id);
  } catch (err) {
    if (err instanceof SlackIdentityError) {
      await answer(args, ephemeralError(err.message), deps);
      return;
    }
    log.error({ err }, "approval click could not be queued");
    await answer(args, ephemeralError(NOT_QUEUED.decision), deps);
    return;
  }
  const conversation = click.channel?.id ?? click.container?.channel_id ?? click.user.id;
  const extra: Record<string, string> = {};
  if (click.response_url) extra.responseUrl = click.response_url;
  const teamId = click.team?.id ?? click.user.team_id;
  if (teamId) extra.teamId = teamId;
  const replyTo: ReplyAddress = { platform: "slack", conversation, user: click.user.id, extra };
  const submitted = await submitCommand(deps.queue, {
    command:
      decision === "approve" || decision === "reject"
        ? { verb: decision, approvalId: action.value }
        : { verb: decision, operationId: action.value },
    requester: {
      platform: "slack",
      chatUserId: click.user.id,
      upn,
      ...(origin.enterpriseId || teamId ? { teamId: origin.enterpriseId ?? teamId } : {}),
    },
    replyTo,
    resolve: deps.identity.resolveTarget,
    // A redelivered click (the same trigger_id) queues nothing new, as for slash commands.
    ...(click.trigger_id ? { deliveryKey: `slack-${teamId ?? "-"}-${click.trigger_id}` } : {}),
    requestId,
  });
  if (submitted.ok) {
    log.info("approval click queued");
  } else if (submitted.reason === "refused") {
    log.warn({ error: submitted.error }, "approval click not queued");
    await answer(args, ephemeralError(submitted.error), deps);
  } else {
    log.error({ err: submitted.error }, "approval click could not be queued");
    await answer(args, ephemeralError(NOT_QUEUED.decision), deps);
  }
}

async function answer(args: ApprovalClickArgs, message: RespondArguments, deps: ListenerDeps): Promise<void> {
  if (!args.respond) return;
  // Bolt's respond posts to the payload's response_url: only ever to Slack's own hosts.
  const url = (args.body as { response_url?: unknown } | null)?.response_url;
  if (typeof url !== "string" || !deps.isTrustedResponseUrl(url)) return;
  try {
    await args.respond(message);
  } catch (err) {
    deps.logger.error({ err }, "could not answer a click through response_url");
  }
}

const DECISION_BUTTONS = `(?:${[APPROVE_ACTION_ID, REJECT_ACTION_ID, ...Object.values(STAGE_ACTION_IDS)].join("|")})`;
const OTHER_ACTIONS = new RegExp(`^(?!${DECISION_BUTTONS}$)`);

export function registerApprovalActions(app: App, deps: ListenerDeps): void {
  app.action(
    { type: "block_actions", action_id: new RegExp(`^${DECISION_BUTTONS}$`) },
    async ({ body, ack, respond }) => {
      await handleApprovalClick({ body, ack, respond }, deps);
    },
  );
  // Link buttons and anything else still need an ack, or Slack shows the clicker an error.
  app.action(OTHER_ACTIONS, async ({ ack }) => {
    await ack();
  });
}
