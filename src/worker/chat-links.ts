import type { DirectoryUser } from "../directory/port.js";
import type { LinkedJob } from "../queue/jobs.js";
import { type ChatAccount, describeAccount, type Link } from "../signin/links.js";
import type { WorkerDeps } from "./deps.js";
import type { RequestContext } from "./handlers.js";
import { mapLimit } from "./map-limit.js";
import { notifierFor, reply, textOutcome } from "./notify.js";
import { chatAccountOf, nothingToLink, offerText, signInLink } from "./sign-in-link.js";

/**
 * `link`, `unlink` and `links` (README, "Verified identity"), and the "linked as …" message a
 * finished sign-in queues. The sign-in itself runs on `serve` (src/signin/routes.ts).
 */

/** The requester's linkable account; for anyone else, they are told why there is nothing to link. */
async function linkableAccount({ deps, job }: RequestContext): Promise<ChatAccount | undefined> {
  const account = chatAccountOf(job.requester);
  if (!account) await reply(deps, job.replyTo, textOutcome("info", nothingToLink(job.requester) ?? ""));
  return account;
}

/** `link`: a one-time sign-in link, privately. */
export async function link(ctx: RequestContext): Promise<void> {
  const { deps, job } = ctx;
  const account = await linkableAccount(ctx);
  if (!account) return;
  const current = await deps.links.get(account);
  const url = await signInLink(deps, account, job.replyTo, job.requestId);
  const now = current
    ? `Your Slack account is linked to ${current.upn ?? current.objectId} now; signing in again links it to whoever signs in.\n`
    : "";
  await reply(deps, job.replyTo, textOutcome(url ? "info" : "error", `${now}${offerText(url)}`));
}

/** `unlink`: the requester's own link goes. */
export async function unlink(ctx: RequestContext): Promise<void> {
  const { deps, job } = ctx;
  const account = await linkableAccount(ctx);
  if (!account) return;
  const removed = await deps.links.remove(account);
  deps.logger.info(
    { slackUser: account.userId, teamId: account.teamId, removed: removed !== undefined },
    "unlink",
  );
  const text = removed
    ? `Unlinked: your Slack account no longer acts as ${removed.upn ?? removed.objectId}. Until you link it again, the bot knows you by your Slack profile's email.`
    : "Your Slack account was not linked; nothing changed.";
  await reply(deps, job.replyTo, textOutcome("info", text));
}

/** A link's standing now: the directory's user, or why the link does not count. */
async function standing(
  deps: WorkerDeps,
  objectId: string,
): Promise<{ user?: DirectoryUser; problem?: string }> {
  const user = await deps.directory.getUser(objectId);
  if (!user) return { problem: "the Entra account no longer exists: the link does not count" };
  if (user.accountEnabled === false)
    return { user, problem: "the Entra account is disabled: the link does not count" };
  return { user };
}

/** Links `links` lists in one message (a Slack section holds 3,000 characters). */
const MAX_LISTED = 15;

/** `links` (admin): every linked chat account, and whether its link counts. */
export async function listLinks({ deps, job }: RequestContext): Promise<void> {
  const links = await deps.links.list();
  const required = deps.policy.requireLinkedIdentity;
  const policy = required.length
    ? `The policy requires a linked account of: ${required.join(", ")}.`
    : "The policy requires no linked accounts (requireLinkedIdentity is not set).";
  if (links.length === 0) {
    await reply(deps, job.replyTo, textOutcome("info", `No chat account is linked. ${policy}`));
    return;
  }
  // One chat message: the first ones, each looked up in Graph, and how many more there are.
  const shown = links.slice(0, MAX_LISTED);
  const more = links.length > shown.length ? [`… and ${links.length - shown.length} more`] : [];
  const lines = await mapLimit(shown, deps.settings.lookupConcurrency, async (l: Link) => {
    const { user, problem } = await standing(deps, l.objectId);
    const who = user?.userPrincipalName ?? l.upn ?? l.objectId;
    return `• ${describeAccount(l.account)} → ${who} (object id ${l.objectId}), linked ${l.linkedAt}${problem ? ` — ${problem}` : ""}`;
  });
  await reply(
    deps,
    job.replyTo,
    textOutcome(
      "info",
      `${links.length} linked chat account(s). ${policy}\n${[...lines, ...more].join("\n")}`,
    ),
  );
}

/** After a sign-in: a direct message to the Slack account that was linked, saying as whom it acts. */
export async function handleLinked(deps: WorkerDeps, job: LinkedJob): Promise<void> {
  const { user, problem } = await standing(deps, job.objectId);
  const who = user ? `${user.displayName} (${user.userPrincipalName})` : job.objectId;
  const text = problem
    ? `Your Slack account is linked to ${who}, but ${problem}.`
    : `Linked: your Slack account now acts as ${who} in mfa-bot, whatever its profile email says. \`/mfa unlink\` removes the link.`;
  const sent = await notifierFor(deps, job.replyTo.platform).directMessage(
    { upn: user?.userPrincipalName ?? job.objectId, objectId: job.objectId, chatUserId: job.account.userId },
    textOutcome(problem ? "warning" : "info", text),
    job.replyTo,
  );
  if (!sent.delivered)
    deps.logger.warn({ reason: sent.reason }, "could not tell a linked account it is linked");
}
