import { rolesNeedingLink } from "../core/linked-identity.js";
import type { Actor, Role } from "../core/roles.js";
import type { ReplyAddress } from "../notify/port.js";
import type { Requester } from "../queue/from-command.js";
import { actorFor, resolveActor } from "./actor.js";
import type { WorkerDeps } from "./deps.js";
import { chatAccountOf, offerText, signInLink } from "./sign-in-link.js";

/**
 * Who a command or a click acts as (README, "Verified identity"):
 * - a Slack account linked by signing in acts as the Entra user of the link — whatever its
 *   profile email says — while that user exists and is enabled (read through Graph, and so
 *   within the Graph budget, each time: a link to a disabled or deleted account stops counting
 *   at once);
 * - anyone else acts as the address their platform gives (Slack profile email, Teams UPN of the
 *   signed sender, console `--as`), as before;
 * - the policy's `requireLinkedIdentity` refuses actors who hold a role it covers and act from a
 *   Slack account that is not linked (with a sign-in link to fix it), or from Teams in emulator
 *   mode, which authenticates nobody. Teams' signed senders and the console are not covered:
 *   Microsoft signs the one, and the other is run by whoever holds the bot's Redis.
 */
export type Acting =
  | { ok: true; actor: Actor; linked: boolean }
  /** `reason` may be logged and audited; `offer` (the sign-in link) is for the person only. */
  | { ok: false; reason: string; offer?: string };

export async function actingAs(
  deps: WorkerDeps,
  person: Requester,
  replyTo: ReplyAddress,
  requestId: string,
): Promise<Acting> {
  const account = chatAccountOf(person);
  let lapsed: string | undefined;
  if (account) {
    const link = await deps.links.get(account);
    if (link) {
      const user = await deps.directory.getUser(link.objectId);
      if (user && user.accountEnabled !== false) {
        return { ok: true, actor: await actorFor(deps, user), linked: true };
      }
      lapsed = user
        ? `the Entra account it is linked to (${user.userPrincipalName}) is disabled`
        : "the Entra account it was linked to no longer exists";
      deps.logger.warn(
        {
          slackUser: account.userId,
          teamId: account.teamId,
          objectId: link.objectId,
          enabled: user?.accountEnabled,
        },
        "a linked chat account's Entra user is disabled or deleted: the link does not count",
      );
    }
  }
  const actor = await resolveActor(deps, person.upn);
  const covered = rolesNeedingLink(actor.roles, deps.policy.requireLinkedIdentity);
  if (covered.length === 0) return { ok: true, actor, linked: false };
  if (person.platform === "console" || (person.platform === "teams" && !person.unauthenticated)) {
    return { ok: true, actor, linked: false };
  }
  deps.logger.info(
    { requestId, platform: person.platform, actor: actor.upn, covered, lapsed: lapsed !== undefined },
    "refused: the policy requires a linked identity for these roles",
  );
  const roles = roleWords(covered);
  if (person.platform === "teams") {
    return {
      ok: false,
      reason: `the policy lets the ${roles} act only with a verified identity, and this bot's Teams endpoint runs in emulator mode (MicrosoftAppId is empty), which verifies nobody. Nothing was done.`,
    };
  }
  const url = account ? await signInLink(deps, account, replyTo, requestId) : undefined;
  const state = lapsed ? `no longer counts: ${lapsed}` : "is not linked to Microsoft Entra";
  return {
    ok: false,
    reason: `the policy lets the ${roles} act from Slack only through an account linked to Entra by signing in, and your Slack account ${state}. Nothing was done.`,
    offer: offerText(url),
  };
}

function roleWords(roles: readonly Role[]): string {
  if (roles.length === 1) return `${roles[0]} role`;
  return `${roles.slice(0, -1).join(", ")} and ${roles.at(-1)} roles`;
}
