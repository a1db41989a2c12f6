import type { ReplyAddress } from "../notify/port.js";
import type { Requester } from "../queue/from-command.js";
import type { ChatAccount } from "../signin/links.js";
import { signInStartUrl } from "../signin/routes.js";
import { SIGN_IN_TTL_SECONDS } from "../signin/sign-in-store.js";
import type { WorkerDeps } from "./deps.js";

/**
 * What a chat account can link, and the one-time sign-in link that does it. Only Slack accounts
 * link: Teams' Bot Framework signs the sender's Entra object id into every activity (in emulator
 * mode nothing is signed, and a link could not change that), and the console acts as `--as`.
 */

/** The Slack account a requester is, when the request says which workspace it came from. */
export function chatAccountOf(person: Requester): ChatAccount | undefined {
  if (person.platform !== "slack" || !person.teamId) return undefined;
  return { platform: "slack", teamId: person.teamId, userId: person.chatUserId };
}

/** Why this requester's platform has nothing to link; undefined for a Slack account. */
export function nothingToLink(person: Requester): string | undefined {
  if (person.platform === "console") {
    return "The console acts as the address given with `--as` (or an `as` line): it trusts whoever can run it against this bot's Redis, so there is nothing to link.";
  }
  if (person.platform === "teams") {
    return person.unauthenticated
      ? "This bot's Teams endpoint runs in emulator mode (MicrosoftAppId is empty), which checks nobody's identity; linking cannot change that. Use a registered bot."
      : "In Teams, Microsoft signs every message with your Entra object id, so the bot knows your Entra account already: there is nothing to link.";
  }
  return person.teamId
    ? undefined
    : "Slack did not say which workspace this came from, so it cannot be linked.";
}

/** A fresh one-time sign-in link for the account; undefined when sign-in is not set up. */
export async function signInLink(
  deps: WorkerDeps,
  account: ChatAccount,
  replyTo: ReplyAddress,
  requestId: string,
): Promise<string | undefined> {
  const publicUrl = deps.settings.publicUrl;
  if (!publicUrl) return undefined;
  const ticket = await deps.signIns.issueTicket({ account, replyTo, requestId });
  return signInStartUrl(publicUrl, ticket);
}

/** The sentence that hands the link over (or says linking is not set up). */
export function offerText(url: string | undefined): string {
  if (!url) {
    return "Signing in to link a chat account is not set up for this bot: an admin sets MFA_BOT_PUBLIC_URL (README, “Verified identity”).";
  }
  const minutes = SIGN_IN_TTL_SECONDS / 60;
  return `Sign in to Microsoft Entra to link your Slack account: ${url}\nThe link works once, for ${minutes} minutes, and only you can see it.`;
}
