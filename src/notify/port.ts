import type { FinalError } from "../directory/errors.js";
import type { OutgoingFile } from "../report/outgoing-file.js";
import type { MessageRef, Platform, ReplyAddress } from "./address.js";
import type { Outcome } from "./outcome.js";

export type { OutgoingFile } from "../report/outgoing-file.js";
export type { MessageRef, Platform, ReplyAddress } from "./address.js";

export interface DirectMessageTarget {
  upn: string;
  /** Entra object id, when the worker knows it. */
  objectId?: string;
  /** Mail address, when it differs from the UPN. */
  mail?: string;
  /**
   * The person's own account on the platform, when the worker knows it (a Slack account linked by
   * signing in): the message goes to that account rather than to whoever the email finds.
   */
  chatUserId?: string;
}

export type DirectMessageResult = { delivered: true } | { delivered: false; reason: string };

/**
 * One per platform. The worker only talks to this port; `src/cli.ts` wires each
 * adapter's implementation in. Implementations retry their platform's rate limits
 * (a 429 delays a message, never drops it) and throw only when delivery is impossible.
 */
export interface Notifier {
  /** An answer for the requester only (ephemeral in Slack). */
  reply(to: ReplyAddress, outcome: Outcome): Promise<void>;
  /** A message everyone in the conversation sees (approval card, progress, summary). */
  post(to: ReplyAddress, outcome: Outcome): Promise<MessageRef>;
  /**
   * A message with files (the report's CSV, a chart) for the requester, in the conversation
   * (or thread) the request came from: Slack uploads them, Teams links them, the console saves
   * them. The files stay the caller's: it removes them once this resolves.
   */
  share(to: ReplyAddress, outcome: Outcome, files: readonly OutgoingFile[]): Promise<void>;
  /** Edit a posted message in place, for everyone. */
  update(ref: MessageRef, outcome: Outcome): Promise<void>;
  /**
   * A direct message to a directory user: Slack finds them by email (UPN), Teams by their
   * Entra object id. `context` is the request that led to it (same workspace / tenant).
   */
  directMessage(
    user: DirectMessageTarget,
    outcome: Outcome,
    context: ReplyAddress,
  ): Promise<DirectMessageResult>;
}

export type NotifierRegistry = Partial<Record<Platform, Notifier>>;

/**
 * A message the platform will never take as it is (the bot is not in the channel, the
 * message is gone): retrying cannot help, and `message` tells a person what to do.
 */
export class DeliveryError extends Error implements FinalError {
  override readonly name: string = "DeliveryError";
  readonly final = true;
}
