import { createHash } from "node:crypto";
import type { Activity } from "botbuilder";

/**
 * The shared intake's delivery key for a Teams activity: a message or a card click (an
 * Action.Execute invoke, or the message an Action.Submit sends) that the Bot Framework delivers
 * again carries the same activity id, so it queues nothing new — as Slack's trigger_id does.
 * An activity id "uniquely identifies the activity on the channel"
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#activity-object),
 * and Teams message ids are only unique within their conversation, so the key names both: the
 * channel and conversation (hashed, as conversation ids run long) and the activity id.
 */
export function deliveryKeyOf(
  activity: Pick<Activity, "id" | "channelId"> & { conversation?: { id?: string } },
): string | undefined {
  const conversation = activity.conversation?.id;
  if (!activity.id || !conversation) return undefined;
  const where = createHash("sha256")
    .update(`${activity.channelId}\n${conversation}`)
    .digest("hex")
    .slice(0, 16);
  return `teams-${where}-${activity.id.slice(0, 128)}`;
}
