import type { TargetRef } from "../../src/core/command.js";
import { isUpn } from "../../src/core/ids.js";
import type { Logger } from "../../src/log.js";
import type { DirectoryTarget } from "../../src/queue/jobs.js";
import type { SlackWebClient } from "./slack-client.js";
import { neededScope, slackErrorCode } from "./slack-client.js";
import { TtlCache } from "./ttl-cache.js";

/** A lookup that failed in a way the person who typed the command can act on (or report). */
export class SlackIdentityError extends Error {
  override readonly name = "SlackIdentityError";
}

interface SlackPerson {
  id: string;
  email: string | undefined;
  name: string;
  isBot: boolean;
  deleted: boolean;
}

export interface SlackIdentityOptions {
  client: SlackWebClient;
  logger: Logger;
  /** How long a Slack user → email answer is kept (default 10 minutes). */
  ttlMs?: number;
  /** A profile without a readable email is asked again sooner, so a fixed scope takes effect. */
  missingEmailTtlMs?: number;
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

  /** The UPN of the person who typed a command or clicked a button. */
  async upnOf(userId: string): Promise<string> {
    const person = await this.person(userId);
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
      const email = user.profile?.email?.trim().toLowerCase();
      person = {
        id: userId,
        email: email && isUpn(email) ? email : undefined,
        name: user.profile?.display_name || user.real_name || user.name || userId,
        isBot: user.is_bot === true || userId === "USLACKBOT",
        deleted: user.deleted === true,
      };
    } catch (err) {
      throw err instanceof SlackIdentityError ? err : this.apiError(err, `the Slack user ${userId}`);
    }
    this.cache.set(userId, person, person.email ? this.ttlMs : this.missingEmailTtlMs);
    return person;
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
