import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { replyAddressSchema } from "../notify/address.js";
import { chatAccountSchema } from "./links.js";
import { randomToken } from "./pkce.js";
import { parseStored } from "./stored.js";

/**
 * The short-lived secrets of a sign-in, in Redis so that any `serve` process can finish what
 * another began: the one-time link `link` hands out (a ticket), and, once it is opened, the
 * `state` sent to Entra with what the callback needs (nonce, PKCE verifier, the browser it was
 * opened in). Each is taken with GETDEL (Redis ≥ 6.2): used once, and gone after ten minutes
 * whether used or not. Redis holds only a hash of each secret as its key, so reading Redis does
 * not give anyone a link that works.
 */

/** How long a sign-in link, and then a sign-in under way, stays usable. */
export const SIGN_IN_TTL_SECONDS = 600;

export const ticketSchema = z.object({
  account: chatAccountSchema,
  /** Where the `link` command came from: the "linked as …" message goes with this context. */
  replyTo: replyAddressSchema,
  requestId: z.string().min(1).max(256),
});
export type Ticket = z.infer<typeof ticketSchema>;

export const pendingSignInSchema = ticketSchema.extend({
  nonce: z.string().min(16).max(128),
  codeVerifier: z.string().min(43).max(128),
  /** SHA-256 of the cookie set on the browser that opened the link. */
  browser: z.string().length(64),
});
export type PendingSignIn = z.infer<typeof pendingSignInSchema>;

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export class SignInStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** A new one-time sign-in link's secret. */
  issueTicket(ticket: Ticket): Promise<string> {
    return this.put("ticket", ticket);
  }

  /** The ticket, once: a second use, or one after ten minutes, finds nothing. */
  takeTicket(secret: string): Promise<Ticket | undefined> {
    return this.take("ticket", secret, ticketSchema);
  }

  /** Remembers a sign-in under way; returns its `state`. */
  begin(pending: PendingSignIn): Promise<string> {
    return this.put("state", pending);
  }

  /** The sign-in a callback's `state` names, once. */
  takeState(state: string): Promise<PendingSignIn | undefined> {
    return this.take("state", state, pendingSignInSchema);
  }

  /** Stores `value` under a fresh secret for ten minutes; returns the secret. */
  private async put(kind: string, value: Ticket | PendingSignIn): Promise<string> {
    const secret = randomToken();
    await this.redis.set(this.keyOf(kind, secret), JSON.stringify(value), "EX", SIGN_IN_TTL_SECONDS);
    return secret;
  }

  private async take<T>(kind: string, secret: string, schema: z.ZodType<T>): Promise<T | undefined> {
    if (!secret || secret.length > 256) return undefined;
    return parseStored(schema, await this.redis.getdel(this.keyOf(kind, secret)));
  }

  private keyOf(kind: string, secret: string): string {
    return `${this.prefix}:signin:${kind}:${sha256Hex(secret)}`;
  }
}
