import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationAccount,
  type ConversationParameters,
  type ConversationReference,
  TurnContext,
} from "botbuilder";
import type { Redis } from "ioredis";
import { LatestOnly } from "../../src/delivery/latest-only.js";
import type { Logger } from "../../src/log.js";
import { silentLogger } from "../../src/log.js";
import type { ApprovalView, Outcome } from "../../src/notify/outcome.js";
import type * as port from "../../src/notify/port.js";
import { downloadUrl } from "../../src/report/file-routes.js";
import { FileShelf } from "../../src/report/file-shelf.js";
import { baseConversationId, ConversationReferenceStore, type StoredReference } from "./conversation-refs.js";
import { statusCodeOf } from "./http-status.js";
import { type FileLink, fullListActivities, outcomeActivity } from "./outgoing-activity.js";
import { PRIVATE_REPLY } from "./reply-address.js";
import { noPacing, RedisSendPacer, type SendPacer } from "./send-pacer.js";
import { DEFAULT_RETRY, type RetryOptions, withTeamsRetry } from "./send-retry.js";
import {
  BOT_CONNECTOR_AUDIENCE,
  botFrameworkAuthOptions,
  DEFAULT_TEAMS_SERVICE_URL,
  type TeamsSettings,
} from "./settings.js";

export interface TeamsNotifierOptions {
  /** Without an onTurnError handler, so a failed send reaches the notifier as an error. */
  adapter: CloudAdapter;
  /** MicrosoftAppId ("" in emulator mode). */
  appId: string;
  references: ConversationReferenceStore;
  pacer?: SendPacer;
  retry?: RetryOptions;
  /** For a DM when the request that led to it names no service URL. */
  defaultServiceUrl?: string;
  /** MicrosoftAppTenantId: for a DM when the request names no tenant. */
  defaultTenantId?: string;
  logger?: Logger;
  /** Where the report's files are kept and the public address of `serve` that hands them out. */
  downloads?: { shelf: FileShelf; publicUrl: string };
}

interface Target {
  reference: Partial<ConversationReference>;
  paceKey: string;
  tenantId?: string;
}

/**
 * `continueConversationAsync` gives its turn a random activity id, which botbuilder would send
 * as `replyToId` (a reply to a message that does not exist). A proactive message replies to
 * nothing: it goes to the conversation, or to the thread the conversation id names.
 */
function asNewTurn(context: TurnContext): void {
  context.activity.id = undefined as unknown as string;
}

/**
 * Where replies to a card go. A channel thread's conversation id ends in `;messageid=<root>`;
 * a card posted to the channel itself started a thread whose root is the card.
 */
function cardThread(conversation: ConversationAccount, cardId: string): string {
  const { id } = conversation;
  if (conversation.conversationType !== "channel" || !cardId || id.includes(";messageid=")) return id;
  return `${id};messageid=${cardId}`;
}

/** Creating a 1:1 chat fails so when the user has not got the app, or Teams does not know them. */
const UNREACHABLE_STATUSES = new Set([400, 403, 404]);
/** A stored 1:1 chat answers so once the user removed the app or the chat is gone. */
const GONE_STATUSES = new Set([403, 404]);

function unreachableReason(upn: string, status: number | undefined): string {
  if (status === 403) {
    return `the bot cannot message ${upn} in Teams: the app is not installed for them (install it for users from the Teams admin center, or ask them to add it)`;
  }
  return `Teams does not know ${upn} (HTTP ${status ?? "error"}): they may not use Teams in this tenant`;
}

/**
 * The Notifier port for Teams, used by the worker. Every send goes through
 * `continueConversationAsync` (or `createConversationAsync` for a first DM), paced per
 * conversation and tenant, retried on throttling, and edits of one message are coalesced.
 */
export class TeamsNotifier implements port.Notifier {
  private readonly pacer: SendPacer;
  private readonly retry: RetryOptions;
  private readonly logger: Logger;
  private readonly edits = new LatestOnly<Outcome>();

  constructor(private readonly options: TeamsNotifierOptions) {
    this.pacer = options.pacer ?? noPacing;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.logger = options.logger ?? silentLogger;
  }

  reply(to: port.ReplyAddress, outcome: Outcome): Promise<void> {
    return this.replyWith(to, outcomeActivity(outcome));
  }

  /**
   * The report's files as short-lived links served by `serve` (see README, "Reports in
   * Teams"): the chart shown in the card, the CSV a button that downloads it. Without
   * MFA_BOT_PUBLIC_URL there is nowhere to serve them from, and the card says so.
   */
  async share(to: port.ReplyAddress, outcome: Outcome, files: readonly port.OutgoingFile[]): Promise<void> {
    const downloads = this.options.downloads;
    if (!downloads) {
      const names = files.map((f) => f.filename).join(", ");
      const note = `Not attached (${names}): files need MFA_BOT_PUBLIC_URL, serve's public address, to be set.`;
      await this.replyWith(to, outcomeActivity(outcome, [], note));
      return;
    }
    const links: FileLink[] = [];
    for (const file of files) {
      const token = await downloads.shelf.put(file);
      links.push({ ...file, url: downloadUrl(downloads.publicUrl, token) });
    }
    await this.replyWith(to, outcomeActivity(outcome, links));
  }

  private async replyWith(to: port.ReplyAddress, activity: Partial<Activity>): Promise<void> {
    // Teams has no ephemeral messages: an answer meant for one person in a shared conversation
    // (a refused card click) goes to them in a 1:1 chat.
    if (to.extra[PRIVATE_REPLY] === "true" && to.extra.conversationType !== "personal") {
      const direct = await this.deliverDirect({ memberId: to.user, label: "you" }, activity, to);
      if (direct.delivered) return;
      this.logger.warn(
        { reason: direct.reason },
        "teams: private reply not possible, answering in the conversation",
      );
    }
    await this.send(await this.targetFor(to.conversation, to.extra), activity);
  }

  async post(to: port.ReplyAddress, outcome: Outcome): Promise<port.MessageRef> {
    const target = await this.targetFor(to.conversation, to.extra);
    const messageId = await this.send(target, outcomeActivity(outcome));
    if (outcome.kind === "approval" && outcome.approval.allNames) {
      await this.postFullList(target, messageId, outcome.approval);
    }
    const extra: Record<string, string> = {};
    for (const key of ["serviceUrl", "tenantId", "conversationType"] as const) {
      const value = to.extra[key];
      if (value) extra[key] = value;
    }
    return { platform: "teams", conversation: to.conversation, messageId, extra };
  }

  /**
   * Everyone a bulk card leaves out, under the card: in a channel, in the card's thread (the
   * thread the card went to, or the one it started as a new post); in a chat, after it. A
   * failure here is logged and the rest skipped: the card is what must not be lost.
   */
  private async postFullList(card: Target, cardId: string, approval: ApprovalView): Promise<void> {
    try {
      const conversation = card.reference.conversation as ConversationAccount;
      const target: Target = {
        ...card,
        reference: {
          ...card.reference,
          conversation: { ...conversation, id: cardThread(conversation, cardId) },
        },
      };
      for (const activity of fullListActivities(approval)) await this.send(target, activity);
    } catch (err) {
      this.logger.warn(
        { err: String(err), status: statusCodeOf(err), approvalId: approval.id },
        "teams: could not post the approval's full list",
      );
    }
  }

  update(ref: port.MessageRef, outcome: Outcome): Promise<void> {
    return this.edits.submit(`${ref.conversation}\n${ref.messageId}`, outcome, (latest) =>
      this.edit(ref, latest),
    );
  }

  async directMessage(
    user: port.DirectMessageTarget,
    outcome: Outcome,
    context: port.ReplyAddress,
  ): Promise<port.DirectMessageResult> {
    return this.deliverDirect(
      { memberId: user.objectId, label: user.upn, keys: user },
      outcomeActivity(outcome),
      context,
    );
  }

  private async deliverDirect(
    who: { memberId: string | undefined; label: string; keys?: port.DirectMessageTarget },
    activity: Partial<Activity>,
    context: port.ReplyAddress,
  ): Promise<port.DirectMessageResult> {
    const keys = { objectId: who.memberId, upn: who.keys?.upn, mail: who.keys?.mail };
    const stored = await this.options.references.personalFor(keys);
    if (stored) {
      try {
        await this.send(this.targetFromStored(stored), activity);
        return { delivered: true };
      } catch (err) {
        const status = statusCodeOf(err);
        if (status === undefined || !GONE_STATUSES.has(status)) throw err;
        // The user removed the app or the chat is gone: start afresh below.
        await this.options.references.forget(stored.conversation.id, keys);
      }
    }
    if (!who.memberId) {
      return {
        delivered: false,
        reason: `${who.label} has no Teams chat with the bot yet, and their Entra object id is not known to start one`,
      };
    }
    const tenantId = context.extra.tenantId ?? this.options.defaultTenantId;
    if (!tenantId)
      return { delivered: false, reason: `the Teams tenant to reach ${who.label} in is not known` };
    const progress = { created: false };
    try {
      await this.createAndSend(who.memberId, tenantId, context.extra.serviceUrl, activity, keys, progress);
      return { delivered: true };
    } catch (err) {
      const status = statusCodeOf(err);
      // Once the chat exists, a failure is the message's, not the user's reachability.
      if (progress.created || status === undefined || !UNREACHABLE_STATUSES.has(status)) throw err;
      this.logger.info({ status, user: who.label }, "teams: user not reachable");
      return { delivered: false, reason: unreachableReason(who.label, status) };
    }
  }

  private async createAndSend(
    memberId: string,
    tenantId: string,
    serviceUrl: string | undefined,
    activity: Partial<Activity>,
    keys: { objectId?: string | undefined; upn?: string | undefined; mail?: string | undefined },
    progress: { created: boolean },
  ): Promise<void> {
    const { appId } = this.options;
    const parameters = {
      isGroup: false,
      bot: { id: `28:${appId}`, name: "" },
      members: [{ id: memberId, name: "" }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as ConversationParameters;
    const url = serviceUrl ?? this.options.defaultServiceUrl ?? DEFAULT_TEAMS_SERVICE_URL;
    let reference: Partial<ConversationReference> | undefined;
    await withTeamsRetry(async () => {
      await this.pacer.wait(`dm:${memberId.toLowerCase()}`, tenantId);
      await this.options.adapter.createConversationAsync(
        appId,
        "msteams",
        url,
        BOT_CONNECTOR_AUDIENCE,
        parameters,
        async (context) => {
          progress.created = true;
          reference = {
            ...TurnContext.getConversationReference(context.activity),
            user: { id: memberId, name: "", aadObjectId: memberId },
          };
          asNewTurn(context);
          await context.sendActivity({ ...activity });
        },
      );
    }, this.retry);
    if (reference) await this.options.references.rememberPersonal(reference, keys);
  }

  private async edit(ref: port.MessageRef, outcome: Outcome): Promise<void> {
    const target = await this.targetFor(ref.conversation, ref.extra);
    await withTeamsRetry(async () => {
      await this.pacer.wait(target.paceKey, target.tenantId);
      await this.options.adapter.continueConversationAsync(
        this.options.appId,
        target.reference,
        async (context) => {
          asNewTurn(context);
          await context.updateActivity({ ...outcomeActivity(outcome), id: ref.messageId });
        },
      );
    }, this.retry);
  }

  private async send(target: Target, activity: Partial<Activity>): Promise<string> {
    return withTeamsRetry(async () => {
      await this.pacer.wait(target.paceKey, target.tenantId);
      let id = "";
      await this.options.adapter.continueConversationAsync(
        this.options.appId,
        target.reference,
        async (context) => {
          asNewTurn(context);
          const response = await context.sendActivity({ ...activity });
          id = response?.id ?? "";
        },
      );
      return id;
    }, this.retry);
  }

  private targetFromStored(stored: StoredReference): Target {
    return {
      reference: stored as unknown as Partial<ConversationReference>,
      paceKey: baseConversationId(stored.conversation.id),
      ...(stored.conversation.tenantId ? { tenantId: stored.conversation.tenantId } : {}),
    };
  }

  /**
   * The address the request came with, completed from the stored reference (the bot's account,
   * the locale). The conversation id is the request's own, so a channel thread stays a thread.
   */
  private async targetFor(conversation: string, extra: Record<string, string>): Promise<Target> {
    const stored = await this.options.references.forConversation(conversation);
    const serviceUrl = extra.serviceUrl ?? stored?.serviceUrl;
    if (!serviceUrl) {
      throw new Error(
        `no Teams service URL known for conversation ${conversation}: the bot was never messaged there`,
      );
    }
    const tenantId = extra.tenantId ?? stored?.conversation.tenantId;
    const conversationType = extra.conversationType ?? stored?.conversation.conversationType ?? "personal";
    const reference = {
      channelId: stored?.channelId ?? "msteams",
      serviceUrl,
      conversation: {
        ...stored?.conversation,
        id: conversation,
        conversationType,
        isGroup: conversationType !== "personal",
        ...(tenantId ? { tenantId } : {}),
      },
      bot: stored?.bot ?? { id: `28:${this.options.appId}`, name: "" },
      ...(stored?.locale ? { locale: stored.locale } : {}),
    } as unknown as Partial<ConversationReference>;
    return { reference, paceKey: baseConversationId(conversation), ...(tenantId ? { tenantId } : {}) };
  }
}

/**
 * The notifier as the worker process wires it: its own CloudAdapter (the worker serves no
 * HTTP route, it only sends), references and pacing in the shared Redis.
 */
export function createTeamsNotifier(
  settings: TeamsSettings,
  deps: {
    redis: Redis;
    keyPrefix: string;
    logger?: Logger;
    retry?: RetryOptions;
    pacer?: SendPacer;
    /** MFA_BOT_PUBLIC_URL: report files become links `serve` answers. */
    publicUrl?: string;
  },
): TeamsNotifier {
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication(botFrameworkAuthOptions(settings)),
  );
  return new TeamsNotifier({
    adapter,
    appId: settings.appId,
    references: new ConversationReferenceStore(deps.redis, deps.keyPrefix),
    pacer: deps.pacer ?? new RedisSendPacer(deps.redis, deps.keyPrefix),
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(settings.appTenantId ? { defaultTenantId: settings.appTenantId } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...(deps.publicUrl
      ? { downloads: { shelf: new FileShelf(deps.redis, deps.keyPrefix), publicUrl: deps.publicUrl } }
      : {}),
  });
}
