import type { Redis } from "ioredis";
import { z } from "zod";
import { guidSchema } from "../core/ids.js";
import { parseStored } from "./stored.js";

/**
 * Chat accounts linked to their Entra users by signing in (README, "Verified identity"), kept in
 * Redis beside the bot's other state, so they survive restarts and every `serve` and `worker`
 * process sees the same ones. Keyed by the chat account; the Entra side is the user's object id
 * (`oid`), the one identifier Microsoft says to key a user by — never a name, which can change
 * or be reused (https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference#use-claims-to-reliably-identify-a-user).
 */

/**
 * A Slack account: its user id, unique within a workspace (T…) — or within an Enterprise Grid
 * organisation (E…), whose workspaces share user ids — so the pair names one person.
 */
export const chatAccountSchema = z.object({
  platform: z.literal("slack"),
  teamId: z.string().min(1).max(64),
  userId: z.string().min(1).max(64),
});
export type ChatAccount = z.infer<typeof chatAccountSchema>;

export const linkSchema = z.object({
  account: chatAccountSchema,
  /** The Entra user's object id: what the link proves and what the worker looks up. */
  objectId: guidSchema,
  tenantId: guidSchema,
  /**
   * The UPN the sign-in gave (`preferred_username`, which for a work account is its UPN), for
   * display; the link stands on the object id, and the directory's UPN is read whenever it is used.
   */
  upn: z.string().max(320).optional(),
  linkedAt: z.iso.datetime(),
});
export type Link = z.infer<typeof linkSchema>;

/** How a chat account is named in messages and logs. */
export function describeAccount(account: ChatAccount): string {
  return `Slack user ${account.userId} (workspace ${account.teamId})`;
}

export class LinkStore {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:links`;
  }

  async get(account: ChatAccount): Promise<Link | undefined> {
    return parseStored(linkSchema, await this.redis.hget(this.key, fieldOf(account)));
  }

  /** Links the account; a link it had before is replaced (signing in again moves it). */
  async set(link: Link): Promise<void> {
    await this.redis.hset(this.key, fieldOf(link.account), JSON.stringify(link));
  }

  /** Removes the account's link; returns the link it had, if any. */
  async remove(account: ChatAccount): Promise<Link | undefined> {
    const field = fieldOf(account);
    const result = await this.redis.multi().hget(this.key, field).hdel(this.key, field).exec();
    const previous = result?.[0]?.[1];
    return parseStored(linkSchema, typeof previous === "string" ? previous : null);
  }

  /** Every link, oldest first. */
  async list(): Promise<Link[]> {
    const all = await this.redis.hvals(this.key);
    return all
      .map((value) => parseStored(linkSchema, value))
      .filter((link): link is Link => link !== undefined)
      .sort((a, b) => a.linkedAt.localeCompare(b.linkedAt));
  }
}

function fieldOf(account: ChatAccount): string {
  return `${account.platform}:${account.teamId}:${account.userId}`;
}
