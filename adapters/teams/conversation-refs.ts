import type { ConversationReference } from "botbuilder";
import type { Redis } from "ioredis";
import { z } from "zod";

/**
 * Conversation references in Redis, so any worker replica can message a conversation or a
 * user proactively: by conversation (a channel, group chat or 1:1 chat) and, for 1:1 chats
 * with the bot, by the user's Entra object id and UPN.
 */

const account = z.object({ id: z.string().min(1).max(512), name: z.string().max(512).optional() }).loose();

const referenceSchema = z
  .object({
    channelId: z.string().min(1).max(64),
    serviceUrl: z.url({ protocol: /^https?$/ }),
    conversation: z
      .object({
        id: z.string().min(1).max(1024),
        conversationType: z.string().max(64).optional(),
        tenantId: z.string().max(128).optional(),
        isGroup: z.boolean().optional(),
      })
      .loose(),
    bot: account.optional(),
    user: account.extend({ aadObjectId: z.string().max(64).optional() }).optional(),
    locale: z.string().max(32).optional(),
  })
  .loose();

export type StoredReference = z.infer<typeof referenceSchema>;

/** A channel thread's id ends in `;messageid=…`; the channel itself is what stays the same. */
export function baseConversationId(conversationId: string): string {
  return conversationId.split(";")[0] ?? conversationId;
}

/** Only what a later message needs: never the activity id or text of the message it came from. */
export function storableReference(reference: Partial<ConversationReference>): StoredReference | null {
  const parsed = referenceSchema.safeParse({
    channelId: reference.channelId,
    serviceUrl: reference.serviceUrl,
    conversation: reference.conversation && {
      id: baseConversationId(reference.conversation.id),
      ...(reference.conversation.conversationType
        ? { conversationType: reference.conversation.conversationType }
        : {}),
      ...(reference.conversation.tenantId ? { tenantId: reference.conversation.tenantId } : {}),
      ...(reference.conversation.isGroup !== undefined ? { isGroup: reference.conversation.isGroup } : {}),
    },
    ...(reference.bot
      ? { bot: { id: reference.bot.id, ...(reference.bot.name ? { name: reference.bot.name } : {}) } }
      : {}),
    ...(reference.user
      ? {
          user: {
            id: reference.user.id,
            ...(reference.user.aadObjectId ? { aadObjectId: reference.user.aadObjectId } : {}),
          },
        }
      : {}),
    ...(reference.locale ? { locale: reference.locale } : {}),
  });
  return parsed.success ? parsed.data : null;
}

export interface PersonalKeys {
  objectId?: string | undefined;
  upn?: string | undefined;
  mail?: string | undefined;
}

export class ConversationReferenceStore {
  constructor(
    private readonly redis: Redis,
    /** Usually MFA_BOT_QUEUE_PREFIX, so one Redis can hold several deployments. */
    private readonly keyPrefix: string,
    /** Refreshed on every message; a conversation nobody used for this long is forgotten. */
    private readonly ttlSeconds = 180 * 24 * 3600,
  ) {}

  private key(kind: "conv" | "user" | "upn", id: string): string {
    return `${this.keyPrefix}:teams:ref:${kind}:${id.toLowerCase()}`;
  }

  async rememberConversation(reference: Partial<ConversationReference>): Promise<StoredReference | null> {
    const stored = storableReference(reference);
    if (!stored) return null;
    await this.redis.set(
      this.key("conv", stored.conversation.id),
      JSON.stringify(stored),
      "EX",
      this.ttlSeconds,
    );
    return stored;
  }

  /** A 1:1 chat between the bot and this user. */
  async rememberPersonal(reference: Partial<ConversationReference>, keys: PersonalKeys): Promise<void> {
    const stored = storableReference(reference);
    if (!stored) return;
    const value = JSON.stringify(stored);
    const multi = this.redis
      .multi()
      .set(this.key("conv", stored.conversation.id), value, "EX", this.ttlSeconds);
    if (keys.objectId) multi.set(this.key("user", keys.objectId), value, "EX", this.ttlSeconds);
    for (const address of [keys.upn, keys.mail]) {
      if (address) multi.set(this.key("upn", address), value, "EX", this.ttlSeconds);
    }
    await multi.exec();
  }

  async forConversation(conversationId: string): Promise<StoredReference | null> {
    return this.read(this.key("conv", baseConversationId(conversationId)));
  }

  /** The user's 1:1 chat with the bot: by object id first, then UPN, then mail. */
  async personalFor(keys: PersonalKeys): Promise<StoredReference | null> {
    const candidates = [
      keys.objectId ? this.key("user", keys.objectId) : null,
      keys.upn ? this.key("upn", keys.upn) : null,
      keys.mail ? this.key("upn", keys.mail) : null,
    ].filter((key): key is string => key !== null);
    for (const key of candidates) {
      const found = await this.read(key);
      if (found) return found;
    }
    return null;
  }

  /** The bot was removed, or Teams no longer knows the conversation. */
  async forget(conversationId: string, keys: PersonalKeys = {}): Promise<void> {
    const toDelete = [this.key("conv", baseConversationId(conversationId))];
    if (keys.objectId) toDelete.push(this.key("user", keys.objectId));
    for (const address of [keys.upn, keys.mail]) if (address) toDelete.push(this.key("upn", address));
    await this.redis.del(...toDelete);
  }

  private async read(key: string): Promise<StoredReference | null> {
    const raw = await this.redis.get(key);
    if (!raw) return null;
    try {
      const parsed = referenceSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}
