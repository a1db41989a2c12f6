import { canonicalAddress } from "../../src/core/ids.js";
import { type Clock, realClock } from "../../src/delivery/clock.js";
import { LatestOnly } from "../../src/delivery/latest-only.js";
import type { Logger } from "../../src/log.js";
import type { ApprovalView, Outcome } from "../../src/notify/outcome.js";
import type * as port from "../../src/notify/port.js";
import { slackUploadUrlCheck, uploadFiles } from "./file-upload.js";
import { KeyedPacer } from "./rate-limit.js";
import { fullListMessages } from "./render/full-list.js";
import { renderOutcome, type SlackMessage } from "./render/outcome.js";
import { postToResponseUrl, slackResponseUrlCheck } from "./response-url.js";
import {
  createSlackClient,
  type SlackRetryOptions,
  type SlackWebClient,
  slackErrorCode,
} from "./slack-client.js";
import { SlackDeliveryError } from "./slack-delivery-error.js";

export { SlackDeliveryError } from "./slack-delivery-error.js";

export interface SlackNotifierOptions {
  botToken: string;
  /** Web API base (SLACK_API_URL). */
  apiUrl: string;
  logger: Logger;
  /** Share a client (and its rate-limit queue) with the adapter; one is made otherwise. */
  client?: SlackWebClient;
  retryConfig?: SlackRetryOptions;
  /** Minimum gap between chat.postMessage calls to one channel (default 1000 ms). */
  postIntervalMs?: number;
  /** Minimum gap between chat.update calls (tier 3, ~50 a minute; default 1200 ms). */
  updateIntervalMs?: number;
  /** Which response_url hosts we post to; default slackResponseUrlCheck (Slack's hooks hosts, the apiUrl's origin). */
  isTrustedResponseUrl?: (url: string) => boolean;
  /** 429s from a response_url waited out before falling back to chat.postEphemeral (default 10). */
  responseUrlAttempts?: number;
  clock?: Clock;
  fetch?: typeof fetch;
}

/** Codes for which an ephemeral cannot reach the user in that conversation, though a DM can. */
const EPHEMERAL_UNREACHABLE = new Set(["channel_not_found", "not_in_channel", "user_not_in_channel"]);
/** Codes meaning this person cannot get a DM from us; reported, not retried. Reasons are plain text: whoever shows them escapes them. */
const DM_UNREACHABLE: Readonly<Record<string, string>> = {
  user_not_found: "is not in this Slack workspace",
  users_not_found: "is not in this Slack workspace",
  user_disabled: "has a deactivated Slack account",
  cannot_dm_bot: "is a bot",
  user_is_restricted: "is a guest who cannot receive messages from this app",
};

/**
 * The Notifier port for Slack, for the worker: needs only the bot token and the Web API (no
 * Bolt App). Ephemeral answers go through the command's response_url (or chat.postEphemeral),
 * channel messages through chat.postMessage paced per channel, edits through chat.update with
 * only the newest pending edit of a message sent, DMs through users.lookupByEmail +
 * conversations.open.
 */
export class SlackNotifier implements port.Notifier {
  private readonly client: SlackWebClient;
  private readonly postPacer: KeyedPacer;
  private readonly updatePacer: KeyedPacer;
  private readonly edits = new LatestOnly<SlackMessage>();
  private readonly clock: Clock;
  private readonly trusted: (url: string) => boolean;
  private readonly uploadTrusted: (url: string) => boolean;

  constructor(private readonly options: SlackNotifierOptions) {
    this.client =
      options.client ??
      createSlackClient({
        botToken: options.botToken,
        apiUrl: options.apiUrl,
        logger: options.logger,
        ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
      });
    this.clock = options.clock ?? realClock;
    this.postPacer = new KeyedPacer(options.postIntervalMs ?? 1_000, this.clock);
    this.updatePacer = new KeyedPacer(options.updateIntervalMs ?? 1_200, this.clock);
    this.trusted = options.isTrustedResponseUrl ?? slackResponseUrlCheck(options.apiUrl);
    this.uploadTrusted = slackUploadUrlCheck(options.apiUrl);
  }

  async reply(to: port.ReplyAddress, outcome: Outcome): Promise<void> {
    const message = renderOutcome(outcome);
    const responseUrl = to.extra.responseUrl;
    if (responseUrl && this.trusted(responseUrl)) {
      try {
        await postToResponseUrl(
          responseUrl,
          { response_type: "ephemeral", replace_original: false, ...message },
          {
            fetch: this.options.fetch ?? fetch,
            clock: this.clock,
            maxAttempts: this.options.responseUrlAttempts ?? 10,
          },
        );
        return;
      } catch (err) {
        this.options.logger.warn({ err }, "response_url failed; answering with chat.postEphemeral");
      }
    } else if (responseUrl) {
      this.options.logger.warn("response_url is not a Slack host; answering with chat.postEphemeral");
    }
    try {
      await this.client.chat.postEphemeral({ channel: to.conversation, user: to.user, ...message });
    } catch (err) {
      if (!EPHEMERAL_UNREACHABLE.has(slackErrorCode(err) ?? "")) throw err;
      // The app is not in that conversation (a private channel, someone else's DM): the answer
      // still reaches the person who asked, privately.
      const channel = await this.openDm(to.user);
      await this.postPacer.run(channel, () => this.client.chat.postMessage({ channel, ...message }));
    }
  }

  async post(to: port.ReplyAddress, outcome: Outcome): Promise<port.MessageRef> {
    const message = renderOutcome(outcome);
    try {
      const result = await this.postPacer.run(to.conversation, () =>
        this.client.chat.postMessage({ channel: to.conversation, ...message }),
      );
      if (!result.ts) throw new SlackDeliveryError("Slack accepted the message but returned no timestamp");
      if (outcome.kind === "approval") await this.postFullList(to.conversation, result.ts, outcome.approval);
      return {
        platform: "slack",
        conversation: result.channel ?? to.conversation,
        messageId: result.ts,
        extra: {},
      };
    } catch (err) {
      const code = slackErrorCode(err);
      if (code === "not_in_channel" || code === "channel_not_found") {
        throw new SlackDeliveryError(
          "I cannot post in this channel because I am not a member: invite me with `/invite @mfa-bot` (or the app's name) and try again",
        );
      }
      throw err;
    }
  }

  /** Everyone a bulk card leaves out, in the card's thread; a failure here must not lose the card. */
  private async postFullList(channel: string, threadTs: string, approval: ApprovalView): Promise<void> {
    for (const text of fullListMessages(approval)) {
      try {
        await this.postPacer.run(channel, () =>
          this.client.chat.postMessage({ channel, thread_ts: threadTs, text }),
        );
      } catch (err) {
        this.options.logger.warn(
          { err: String(err), approvalId: approval.id },
          "slack: could not post the approval's full list",
        );
        return;
      }
    }
  }

  /**
   * The message and its files in one share, in the conversation (or thread) the request came
   * from; where the app is not a member, in the requester's DM instead. Without `files:write`
   * (an app installed before it was asked for) the message still comes, saying what to grant.
   */
  async share(to: port.ReplyAddress, outcome: Outcome, files: readonly port.OutgoingFile[]): Promise<void> {
    const message = renderOutcome(outcome);
    const upload = (channel: string) =>
      this.postPacer.run(channel, () =>
        uploadFiles(
          this.client,
          files,
          { channel, ...(to.extra.threadTs ? { threadTs: to.extra.threadTs } : {}) },
          message,
          { fetch: this.options.fetch ?? fetch, isTrustedUploadUrl: this.uploadTrusted },
        ),
      );
    try {
      await upload(to.conversation);
    } catch (err) {
      const code = slackErrorCode(err) ?? "";
      if (code === "missing_scope") {
        this.options.logger.warn("slack: files:write is not granted; the report goes without its files");
        await this.reply(to, outcome);
        await this.reply(to, {
          kind: "text",
          tone: "warning",
          text: "The CSV and chart could not be attached: the Slack app lacks the files:write scope. Add it (manifest/slack-app.yaml) and reinstall the app.",
        });
        return;
      }
      if (!EPHEMERAL_UNREACHABLE.has(code)) throw err;
      await upload(await this.openDm(to.user));
    }
  }

  async update(ref: port.MessageRef, outcome: Outcome): Promise<void> {
    const message = renderOutcome(outcome);
    await this.edits.submit(`${ref.conversation}:${ref.messageId}`, message, async (latest) => {
      await this.updatePacer.run("chat.update", () =>
        this.client.chat.update({ channel: ref.conversation, ts: ref.messageId, ...latest }),
      );
    });
  }

  async directMessage(
    user: port.DirectMessageTarget,
    outcome: Outcome,
    _context: port.ReplyAddress,
  ): Promise<port.DirectMessageResult> {
    const emails = [...new Set([user.upn, user.mail].filter((e): e is string => !!e).map(canonicalAddress))];
    let slackUserId = user.chatUserId;
    for (const email of slackUserId ? [] : emails) {
      slackUserId = await this.lookupByEmail(email);
      if (slackUserId) break;
    }
    if (!slackUserId) {
      return {
        delivered: false,
        reason: `no Slack account with the email ${emails.join(" or ")} in this workspace`,
      };
    }
    const message = renderOutcome(outcome);
    try {
      const channel = await this.openDm(slackUserId);
      await this.postPacer.run(channel, () => this.client.chat.postMessage({ channel, ...message }));
      return { delivered: true };
    } catch (err) {
      const why = DM_UNREACHABLE[slackErrorCode(err) ?? ""];
      if (why) return { delivered: false, reason: `${user.upn} ${why}` };
      throw err;
    }
  }

  private async lookupByEmail(email: string): Promise<string | undefined> {
    try {
      const result = await this.client.users.lookupByEmail({ email });
      const found = result.user;
      if (!found?.id || found.deleted || found.is_bot) return undefined;
      return found.id;
    } catch (err) {
      const code = slackErrorCode(err);
      if (code === "users_not_found" || code === "user_not_found") return undefined;
      throw err;
    }
  }

  private async openDm(slackUserId: string): Promise<string> {
    const opened = await this.client.conversations.open({ users: slackUserId });
    const channel = opened.channel?.id;
    if (!channel) throw new SlackDeliveryError("Slack opened no direct-message channel");
    return channel;
  }
}
