import type { Activity } from "botbuilder";
import type { ReplyAddress } from "../../src/notify/port.js";

/** Teams keeps the tenant on the conversation, and in older payloads only in channelData. */
export function tenantIdOf(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const fromChannelData = typeof channelData?.tenant?.id === "string" ? channelData.tenant.id : undefined;
  return activity.conversation?.tenantId || fromChannelData;
}

export function conversationTypeOf(activity: Partial<Activity>): string {
  return (
    activity.conversation?.conversationType || (activity.conversation?.isGroup ? "groupChat" : "personal")
  );
}

/**
 * Where the worker answers: the conversation (a channel thread's id keeps its `;messageid=`,
 * so answers land in the thread), the sender by AAD object id, and what the TeamsNotifier
 * needs to reach Teams again without this request (service URL, tenant, conversation type).
 */
export function replyAddressFor(
  activity: Partial<Activity>,
  extra: Record<string, string | undefined> = {},
): ReplyAddress {
  const values: Record<string, string | undefined> = {
    serviceUrl: activity.serviceUrl,
    tenantId: tenantIdOf(activity),
    conversationType: conversationTypeOf(activity),
    activityId: activity.id,
    ...extra,
  };
  const compact: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === "string" && value !== "") compact[key] = value.slice(0, 4096);
  }
  return {
    platform: "teams",
    conversation: activity.conversation?.id ?? "",
    user: activity.from?.aadObjectId || activity.from?.id || "",
    extra: compact,
  };
}

/** ReplyAddress.extra flag: answer this user privately (a refusal after a card click in a channel). */
export const PRIVATE_REPLY = "privateReply";
