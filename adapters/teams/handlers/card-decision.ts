import { randomUUID } from "node:crypto";
import type { TurnContext } from "botbuilder";
import { buildJob } from "../../../src/queue/from-command.js";
import type { CardDecision } from "../card-actions.js";
import { senderIdentity, teamsTargetResolver } from "../identity.js";
import { PRIVATE_REPLY, replyAddressFor } from "../reply-address.js";
import { type CommandDeps, decisionDedupeKey } from "./command-message.js";

export type DecisionResult = { ok: true; requestId: string } | { ok: false; error: string };

/**
 * Approve/Reject clicked on an approval card (Action.Execute invoke or the Action.Submit
 * fallback). The decider is who Teams says clicked, resolved to their UPN; the card gave only
 * the approval id. The worker decides (self-approval, not an approver, expired, already
 * decided) and answers the clicker privately, or updates the card for everyone.
 */
export async function handleCardDecision(
  context: TurnContext,
  decision: Extract<CardDecision, { ok: true }>,
  deps: CommandDeps,
): Promise<DecisionResult> {
  const activity = context.activity;
  const sender = await senderIdentity(context);
  if (!sender.ok) return sender;
  const requestId = randomUUID();
  const objectId = sender.objectId ?? activity.from.aadObjectId;
  const replyTo = replyAddressFor(activity, {
    // The card's own message: for an invoke, the activity replies to it.
    activityId: activity.replyToId ?? activity.id,
    [PRIVATE_REPLY]: "true",
  });
  const built = await buildJob(
    { verb: decision.decision, approvalId: decision.approvalId },
    { platform: "teams", chatUserId: activity.from.id, upn: sender.upn },
    replyTo,
    teamsTargetResolver,
    requestId,
  );
  if (!built.ok) return built;
  try {
    await deps.jobs.enqueue(built.job, {
      dedupeKey: decisionDedupeKey(decision.approvalId, objectId ?? sender.upn),
    });
  } catch (err) {
    deps.logger.error({ err, requestId }, "teams: could not enqueue a decision");
    return { ok: false, error: "The bot could not record your decision just now. Try again." };
  }
  deps.logger.info(
    { requestId, approvalId: decision.approvalId, decision: decision.decision, decider: sender.upn },
    "teams: decision queued",
  );
  return { ok: true, requestId };
}
