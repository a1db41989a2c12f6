import type { TurnContext } from "botbuilder";
import type { Outcome } from "../../../src/notify/outcome.js";
import { usageHint } from "../../../src/notify/words.js";
import { outcomeActivity } from "../outgoing-activity.js";

/** An answer in the conversation the message came from (a channel message's thread). */
export async function answer(context: TurnContext, outcome: Outcome): Promise<void> {
  await context.sendActivity(outcomeActivity(outcome));
}

export function errorOutcome(text: string): Outcome {
  return { kind: "text", tone: "error", text };
}

/** A command the grammar refused: why, and the usage line to get it right. */
export function usageOutcome(error: string, usage: string): Outcome {
  const hint = usageHint(usage, "mfa ");
  return {
    kind: "text",
    tone: "error",
    text: `${error}\n${hint.summary ? hint.text : `Usage: ${hint.text}`}`,
  };
}
