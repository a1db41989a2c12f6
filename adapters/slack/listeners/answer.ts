import type { RespondArguments } from "@slack/bolt";
import type { SlackMessage } from "../render/blocks.js";
import { renderText } from "../render/text.js";

/** An ephemeral answer (ack body or response_url post): only the person who asked sees it. */
export function ephemeral(message: SlackMessage): RespondArguments {
  return { response_type: "ephemeral", replace_original: false, text: message.text, blocks: message.blocks };
}

export function ephemeralError(text: string): RespondArguments {
  return ephemeral(renderText({ kind: "text", tone: "error", text }));
}

export const WORKING_ON_IT: RespondArguments = {
  response_type: "ephemeral",
  text: "⏳ Working on it…",
};
