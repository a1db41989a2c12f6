import { TeamsInfo, type TurnContext } from "botbuilder";
import type { TargetRef } from "../../src/core/command.js";
import { canonicalAddress, isGuid } from "../../src/core/ids.js";
import type { ChatTargetResolver } from "../../src/queue/from-command.js";
import type { DirectoryTarget } from "../../src/queue/jobs.js";
import { statusCodeOf } from "./http-status.js";
import type { UserMention } from "./message-text.js";

/**
 * Who someone is in Entra, from Teams' own member look-up (`GET /v3/conversations/{id}/members/{user}`):
 * the UPN Teams returns for the user's AAD object id. Never the display name, which anyone
 * can share or change.
 */
export type EntraIdentity = { ok: true; upn: string; objectId?: string } | { ok: false; error: string };

async function lookUp(
  context: TurnContext,
  userId: string,
  who: string,
): Promise<{ ok: true; upn?: string; objectId?: string } | { ok: false; error: string }> {
  try {
    const member = await TeamsInfo.getMember(context, userId);
    const upn = typeof member.userPrincipalName === "string" ? member.userPrincipalName.trim() : "";
    const objectId =
      typeof member.aadObjectId === "string" && isGuid(member.aadObjectId) ? member.aadObjectId : "";
    return {
      ok: true,
      // As Teams gives it (canonical when it passes): the worker's identity check refuses, and
      // audits, a UPN that is not one Entra could hold, rather than anything here folding it.
      ...(upn.includes("@") ? { upn: canonicalAddress(upn) } : {}),
      ...(objectId ? { objectId: objectId.toLowerCase() } : {}),
    };
  } catch (err) {
    const status = statusCodeOf(err);
    if (status === 404) return { ok: false, error: `Teams does not know ${who} in this conversation` };
    return { ok: false, error: `could not look ${who} up in Teams just now; try again` };
  }
}

/** The sender of this activity, by their AAD object id (the Teams id when Teams sends none). */
export async function senderIdentity(context: TurnContext): Promise<EntraIdentity> {
  const from = context.activity.from;
  const userId = from?.aadObjectId || from?.id;
  if (!userId) return { ok: false, error: "Teams did not say who sent this" };
  const found = await lookUp(context, userId, "you");
  if (!found.ok) return found;
  if (!found.upn) {
    return {
      ok: false,
      error: "Teams did not give your Entra user principal name, so your roles cannot be checked",
    };
  }
  return { ok: true, upn: found.upn, ...(found.objectId ? { objectId: found.objectId } : {}) };
}

/**
 * A mentioned user as the text the grammar reads: their UPN, or their object id when Teams
 * gives no UPN (the worker resolves object ids). Tags, channels and teams are refused.
 */
export async function mentionTarget(
  context: TurnContext,
  mention: UserMention,
): Promise<{ ok: true; value: string } | { ok: false; error: string }> {
  const who = mention.name ? `@${mention.name}` : "that mention";
  const isUser = mention.id.startsWith("29:") || mention.id.startsWith("8:orgid:") || isGuid(mention.id);
  if (!isUser) {
    return { ok: false, error: `${who} is not a person: for a group use group:<entra-group-object-id>` };
  }
  const found = await lookUp(context, mention.aadObjectId || mention.id, who);
  if (!found.ok) return found;
  if (found.upn) return { ok: true, value: found.upn };
  if (found.objectId) return { ok: true, value: found.objectId };
  return { ok: false, error: `Teams did not give an Entra identity for ${who}` };
}

/**
 * Teams mentions are resolved before parsing, so the grammar only ever sees UPNs, object ids
 * and groups; a Slack mention typed into Teams cannot be resolved here.
 */
export const teamsTargetResolver: ChatTargetResolver = async (
  target: TargetRef,
): Promise<DirectoryTarget[]> => {
  if (target.kind === "slackUser" || target.kind === "slackUserGroup") {
    throw new Error("Slack mentions do not work in Teams: @mention the person, or type their email/UPN");
  }
  throw new Error("that target cannot be resolved in Teams");
};
