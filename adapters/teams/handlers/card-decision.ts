import type { TurnContext } from "botbuilder";
import { NOT_QUEUED } from "../../../src/notify/words.js";
import { submitCommand } from "../../../src/queue/intake.js";
import type { CardDecision } from "../card-actions.js";
import { deliveryKeyOf } from "../delivery-key.js";
import { senderIdentity, teamsTargetResolver } from "../identity.js";
import { PRIVATE_REPLY, replyAddressFor } from "../reply-address.js";
import { type CommandDeps, teamsRequester } from "./command-message.js";

export type DecisionResult = { ok: true; requestId: string } | { ok: false; error: string };

/**
 * Approve/Reject clicked on an approval card (Action.Execute invoke or the Action.Submit
 * fallback), queued through the shared intake. The decider is who Teams says clicked, resolved
 * to their UPN; the card gave only the approval id. The worker decides (self-approval, not an
 * approver, expired, already decided) and answers the clicker privately, or updates the card
 * for everyone.
 */
export async function handleCardDecision(
  context: TurnContext,
  decision: Extract<CardDecision, { ok: true }>,
  deps: CommandDeps,
): Promise<DecisionResult> {
  const activity = context.activity;
  const sender = await senderIdentity(context);
  if (!sender.ok) return sender;
  const replyTo = replyAddressFor(activity, {
    // The card's own message: for an invoke, the activity replies to it.
    activityId: activity.replyToId ?? activity.id,
    [PRIVATE_REPLY]: "true",
  });
  const submitted = await submitCommand(deps.jobs, {
    command: decision.command,
    requester: teamsRequester(deps, activity.from.id, sender.upn),
    replyTo,
    resolve: teamsTargetResolver,
    deliveryKey: deliveryKeyOf(activity),
  });
  if (!submitted.ok && submitted.reason === "refused") return { ok: false, error: submitted.error };
  if (!submitted.ok) {
    deps.logger.error(
      { err: submitted.error, requestId: submitted.requestId },
      "teams: could not enqueue a decision",
    );
    return { ok: false, error: NOT_QUEUED.decision };
  }
  deps.logger.info(
    {
      requestId: submitted.requestId,
      command: decision.command,
      decider: sender.upn,
    },
    "teams: decision queued",
  );
  return { ok: true, requestId: submitted.requestId };
}
