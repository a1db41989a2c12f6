import { type InvokeResponse, TeamsActivityHandler, TurnContext } from "botbuilder";
import { readInvokeDecision, readSubmitDecision } from "./card-actions.js";
import { answer, errorOutcome } from "./handlers/answer.js";
import { handleCardDecision } from "./handlers/card-decision.js";
import { type CommandDeps, handleCommandMessage } from "./handlers/command-message.js";
import { senderIdentity } from "./identity.js";
import { conversationTypeOf } from "./reply-address.js";

export type TeamsBotDeps = CommandDeps;

const RECORDING = "Recording your decision…";

/**
 * The Universal Actions invoke response. botbuilder types `value` as an object, but for a
 * message response Teams expects the text itself.
 */
interface CardActionResponse {
  statusCode: number;
  type: "application/vnd.microsoft.activity.message" | "application/vnd.microsoft.error";
  value: string | { code: string; message: string };
}

function invokeMessage(text: string): InvokeResponse<CardActionResponse> {
  return {
    status: 200,
    body: { statusCode: 200, type: "application/vnd.microsoft.activity.message", value: text },
  };
}

/**
 * The HTTP status of an invoke answer is always 200; the outcome is the body's `statusCode`
 * (the Universal Action Model's response format,
 * https://learn.microsoft.com/adaptive-cards/authoring-cards/universal-action-model#response-format):
 * a client shows a non-200 HTTP status as a generic failure, not as our message.
 */
function invokeError(statusCode: number, code: string, message: string): InvokeResponse<CardActionResponse> {
  return {
    status: 200,
    body: { statusCode, type: "application/vnd.microsoft.error", value: { code, message } },
  };
}

/**
 * The Teams side of mfa-bot: commands typed in a personal chat, a group chat or a channel
 * (after an @mention), Approve/Reject clicks on approval cards, and conversation references
 * kept for proactive messages. It only translates: work happens in the worker.
 */
export class MfaTeamsBot extends TeamsActivityHandler {
  constructor(private readonly deps: TeamsBotDeps) {
    super();
    this.onTurn(async (context, next) => {
      await this.rememberConversation(context);
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.onCommandOrSubmit(context);
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.rememberInstaller(context);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      const { activity } = context;
      const personal = conversationTypeOf(activity) === "personal";
      await this.deps.references.forget(
        activity.conversation.id,
        personal ? { objectId: activity.from?.aadObjectId } : {},
      );
      await next();
    });
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== "adaptiveCard/action") return super.onInvokeActivity(context);
    const decision = readInvokeDecision(context.activity.value);
    if (!decision.ok) return invokeError(400, "BadRequest", decision.error);
    const result = await handleCardDecision(context, decision, this.deps);
    // The card stays as it is until the worker updates it for everyone; a refusal reaches the
    // clicker privately.
    return invokeMessage(result.ok ? RECORDING : result.error);
  }

  private async onCommandOrSubmit(context: TurnContext): Promise<void> {
    const { value, text } = context.activity;
    if (value !== undefined && value !== null && !text?.trim()) {
      const decision = readSubmitDecision(value);
      if (!decision.ok) return answer(context, errorOutcome(decision.error));
      const result = await handleCardDecision(context, decision, this.deps);
      if (!result.ok) await answer(context, errorOutcome(result.error));
      return;
    }
    await handleCommandMessage(context, this.deps);
  }

  /** Every activity refreshes the reference, so a moved service URL is picked up. */
  private async rememberConversation(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (!activity.conversation?.id || !activity.serviceUrl) return;
    if (activity.type === "installationUpdate" && String(activity.action ?? "").startsWith("remove")) return;
    try {
      const reference = TurnContext.getConversationReference(activity);
      if (conversationTypeOf(activity) === "personal" && activity.from?.aadObjectId) {
        await this.deps.references.rememberPersonal(reference, { objectId: activity.from.aadObjectId });
      } else {
        await this.deps.references.rememberConversation(reference);
      }
    } catch (err) {
      // A lost reference only costs a later DM its shortcut; the message itself still counts.
      this.deps.logger.warn({ err }, "teams: could not store the conversation reference");
    }
  }

  /** Installed in a personal scope: keep the 1:1 chat under the user's UPN too, for DMs by UPN. */
  private async rememberInstaller(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (conversationTypeOf(activity) !== "personal") return;
    const sender = await senderIdentity(context);
    if (!sender.ok) return;
    try {
      await this.deps.references.rememberPersonal(TurnContext.getConversationReference(activity), {
        objectId: sender.objectId ?? activity.from.aadObjectId,
        upn: sender.upn,
      });
    } catch (err) {
      this.deps.logger.warn({ err }, "teams: could not store the installer's conversation reference");
    }
  }
}
