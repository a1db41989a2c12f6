import type { TargetRef } from "../../src/core/command.js";
import { canonicalAddress } from "../../src/core/ids.js";
import type { Logger } from "../../src/log.js";
import type { DirectoryTarget } from "../../src/queue/jobs.js";
import type { SlackWebClient } from "./slack-client.js";
import { neededScope, slackErrorCode } from "./slack-client.js";
import { TtlCache } from "./ttl-cache.js";
import { type InstalledWorkspace, isInstalledTeam, type SlackWorkspace } from "./workspace.js";

/** A lookup that failed in a way the person who typed the command can act on (or report). */
export class SlackIdentityError extends Error {
  override readonly name = "SlackIdentityError";
}

/**
 * A Slack account as users.info describes it (https://api.slack.com/methods/users.info,
 * https://api.slack.com/types/user): `is_restricted` a multi-channel guest, `is_ultra_restricted`
 * a single-channel guest, `is_stranger` someone of another workspace the app cannot otherwise
 * see (Slack Connect), `team_id` / `enterprise_user.enterprise_id` where the account lives,
 * `deleted` a deactivated account, `is_bot` (and Workflow Builder's bots) not a person.
 */
interface SlackPerson {
  id: string;
  email: string | undefined;
  name: string;
  isBot: boolean;
  deleted: boolean;
  guest: "multi-channel" | "single-channel" | undefined;
  stranger: boolean;
  teamId: string | undefined;
  enterpriseId: string | undefined;
}

export interface SlackIdentityOptions {
  client: SlackWebClient;
  logger: Logger;
  /** How long a Slack user → email answer is kept (default 10 minutes). */
  ttlMs?: number;
  /** A profile without a readable email is asked again sooner, so a fixed scope takes effect. */
  missingEmailTtlMs?: number;
  /**
   * The installed workspace: accounts of other workspaces and organisations are refused. Without
   * it only Slack's own `is_stranger` marks someone as from elsewhere.
   */
  workspace?: Pick<SlackWorkspace, "installed">;
  maxEntries?: number;
  /** Parallel users.info calls while expanding a user group. */
  concurrency?: number;
  now?: () => number;
}

const SCOPE_HINT =
  "Ask a Slack admin to give the app the `users:read.email` scope (OAuth & Permissions) and reinstall it; the profile also needs an email address.";

/**
 * Slack user → Entra UPN, by the email on the Slack profile (users.info, which needs
 * users:read and users:read.email), cached with a TTL. Mentions resolve the same way; user
 * groups (`<!subteam^S…>`) expand through usergroups.users.list.
 */
export class SlackIdentity {
  private readonly cache: TtlCache<SlackPerson>;
  private readonly ttlMs: number;
  private readonly missingEmailTtlMs: number;
  private readonly concurrency: number;

  constructor(private readonly options: SlackIdentityOptions) {
    this.cache = new TtlCache(options.maxEntries ?? 10_000, options.now);
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.missingEmailTtlMs = options.missingEmailTtlMs ?? 60_000;
    this.concurrency = options.concurrency ?? 8;
  }

  /**
   * The address of the person who typed a command or clicked a button, as their Slack profile
   * gives it (the worker checks it against Entra's rules and resolves it). Only full members of
   * the installed workspace act: guests, people of other organisations, deactivated accounts and
   * bots never hold a role, and are told why.
   */
  async upnOf(userId: string): Promise<string> {
    const person = await this.person(userId);
    const refusal = whyCannotAct(person, await this.installed());
    if (refusal) throw new SlackIdentityError(refusal);
    if (!person.email) {
      throw new SlackIdentityError(
        `I could not read the email address on your Slack profile, and I need it to find your Microsoft Entra account. ${SCOPE_HINT}`,
      );
    }
    return person.email;
  }

  /** The ChatTargetResolver for buildJob: Slack mentions and user groups → directory targets. */
  readonly resolveTarget = async (target: TargetRef): Promise<DirectoryTarget[]> => {
    switch (target.kind) {
      case "slackUser":
        return [await this.mentionTarget(target.id)];
      case "slackUserGroup":
        return this.groupTargets(target.id);
      default:
        throw new SlackIdentityError("that target is not a Slack mention");
    }
  };

  private async mentionTarget(userId: string): Promise<DirectoryTarget> {
    const person = await this.person(userId);
    if (person.isBot)
      throw new SlackIdentityError(`${describe(person)} is a bot, not a person with an Entra account`);
    // The email of someone from another organisation is theirs to set: it names no account here.
    if (isElsewhere(person, await this.installed())) throw new SlackIdentityError(elsewhereTarget(person));
    if (!person.email) {
      throw new SlackIdentityError(
        `I could not read the email address of ${describe(person)}. ${SCOPE_HINT}`,
      );
    }
    return { kind: "upn", upn: person.email, label: label(person) };
  }

  private async groupTargets(groupId: string): Promise<DirectoryTarget[]> {
    let members: string[];
    try {
      const result = await this.options.client.usergroups.users.list({ usergroup: groupId });
      members = (result.users ?? []).filter((u): u is string => typeof u === "string");
    } catch (err) {
      throw this.apiError(err, `the Slack user group ${groupId}`);
    }
    const people = await mapLimit(members, this.concurrency, (id) => this.person(id));
    // Bots and deactivated accounts have no Entra account to change; people without a readable
    // email would be silently dropped, so they stop the request instead.
    const humans = people.filter((p) => !p.isBot && !p.deleted);
    const installed = await this.installed();
    const elsewhere = humans.find((p) => isElsewhere(p, installed));
    if (elsewhere) throw new SlackIdentityError(elsewhereTarget(elsewhere));
    const unreadable = humans.filter((p) => !p.email);
    if (unreadable.length > 0) {
      const names = unreadable.slice(0, 5).map(describe).join(", ");
      const more = unreadable.length > 5 ? ` and ${unreadable.length - 5} more` : "";
      throw new SlackIdentityError(
        `I could not read the email address of ${unreadable.length} member(s) of the Slack user group ${groupId} (${names}${more}). ${SCOPE_HINT}`,
      );
    }
    if (humans.length === 0) throw new SlackIdentityError(`the Slack user group ${groupId} has no members`);
    return humans.map((p) => ({ kind: "upn" as const, upn: p.email!, label: label(p) }));
  }

  private async person(userId: string): Promise<SlackPerson> {
    const cached = this.cache.get(userId);
    if (cached) return cached;
    let person: SlackPerson;
    try {
      const result = await this.options.client.users.info({ user: userId });
      const user = result.user;
      if (!user) throw new SlackIdentityError(`Slack returned no profile for ${userId}`);
      // Kept as Slack gives it (trimmed): the worker's identity check refuses look-alikes, so
      // nothing here may fold "\u212Airk@…" into "kirk@…".
      const email = user.profile?.email?.trim();
      person = {
        id: userId,
        email: email ? canonicalAddress(email) : undefined,
        name: user.profile?.display_name || user.real_name || user.name || userId,
        isBot:
          user.is_bot === true ||
          user.is_workflow_bot === true ||
          user.is_connector_bot === true ||
          userId === "USLACKBOT",
        deleted: user.deleted === true,
        guest: user.is_ultra_restricted ? "single-channel" : user.is_restricted ? "multi-channel" : undefined,
        stranger: user.is_stranger === true,
        teamId: user.team_id || undefined,
        enterpriseId: user.enterprise_user?.enterprise_id || user.enterprise_id || undefined,
      };
    } catch (err) {
      throw err instanceof SlackIdentityError ? err : this.apiError(err, `the Slack user ${userId}`);
    }
    this.cache.set(userId, person, person.email ? this.ttlMs : this.missingEmailTtlMs);
    return person;
  }

  private async installed(): Promise<InstalledWorkspace | undefined> {
    if (!this.options.workspace) return undefined;
    try {
      return await this.options.workspace.installed();
    } catch {
      throw new SlackIdentityError(
        "I could not ask Slack which workspace this app is installed in, so I cannot tell who you are; try again in a minute",
      );
    }
  }

  private apiError(err: unknown, what: string): SlackIdentityError {
    const code = slackErrorCode(err);
    if (code === "missing_scope") {
      const scope = neededScope(err) ?? "a";
      return new SlackIdentityError(
        `the Slack app lacks the \`${scope}\` scope needed to look up ${what}: add it under OAuth & Permissions and reinstall the app`,
      );
    }
    if (code === "user_not_found" || code === "no_such_subteam" || code === "subteam_not_found") {
      return new SlackIdentityError(`Slack does not know ${what}`);
    }
    this.options.logger.warn({ err, what }, "slack identity lookup failed");
    return new SlackIdentityError(
      `Slack could not look up ${what} right now${code ? ` (${code})` : ""}; try again in a minute`,
    );
  }
}

/** Whether the account belongs to another workspace or organisation than the installed one. */
function isElsewhere(person: SlackPerson, installed: InstalledWorkspace | undefined): boolean {
  if (person.stranger) return true;
  if (!installed || (!person.teamId && !person.enterpriseId)) return false;
  return !isInstalledTeam(installed, person.teamId, person.enterpriseId);
}

/** Why this Slack account may not act (hold any role), or undefined when it may. */
function whyCannotAct(person: SlackPerson, installed: InstalledWorkspace | undefined): string | undefined {
  if (person.deleted) return "your Slack account is deactivated, so it cannot use mfa-bot";
  if (person.isBot) return "bots and workflows cannot use mfa-bot; a person must";
  if (isElsewhere(person, installed)) {
    return "you belong to another Slack workspace or organisation (Slack Connect); only full members of the workspace mfa-bot is installed in can use it";
  }
  if (person.guest) {
    return `Slack guests (${person.guest} guest accounts) cannot use mfa-bot; only full members of the workspace can`;
  }
  return undefined;
}

function elsewhereTarget(person: SlackPerson): string {
  return `${describe(person)} belongs to another Slack workspace or organisation (Slack Connect), so their Slack email names no account here: use their Entra UPN instead`;
}

function describe(person: SlackPerson): string {
  return person.name === person.id ? `Slack user ${person.id}` : `${person.name} (${person.id})`;
}

function label(person: SlackPerson): string {
  return `@${person.name}`.slice(0, 200);
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}
