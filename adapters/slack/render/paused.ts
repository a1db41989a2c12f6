import type { Outcome } from "../../../src/notify/outcome.js";
import { STAGE_VERBS } from "../../../src/notify/outcome.js";
import { pauseWords, STAGE_BUTTON_LABELS } from "../../../src/notify/words.js";
import { STAGE_ACTION_IDS } from "../action-ids.js";
import { escapeText } from "../escape.js";
import {
  type Block,
  bulletList,
  code,
  context,
  header,
  message,
  type SlackMessage,
  section,
} from "./blocks.js";

type PausedOutcome = Extract<Outcome, { kind: "paused" }>;

/**
 * A staged bulk waiting for an approver: what was applied, who failed, and — until someone
 * answers — Continue and Abort. The buttons carry only the operation id.
 */
export function renderPaused(o: PausedOutcome): SlackMessage {
  const words = pauseWords(o);
  const blocks: Block[] = [header(words.title), section(escapeText(words.detail))];
  if (o.failures.users.length > 0) {
    const lines = o.failures.users.map((f) => `${escapeText(f.upn)}: ${escapeText(f.reason)}`);
    blocks.push(section(`*Failed*\n${bulletList(lines, o.failures.more)}`));
  }
  if (!o.answered) {
    blocks.push({
      type: "actions",
      block_id: "mfa_stage",
      elements: STAGE_VERBS.map((verb) => ({
        type: "button" as const,
        action_id: STAGE_ACTION_IDS[verb],
        value: o.operationId,
        style: verb === "continue" ? ("primary" as const) : ("danger" as const),
        text: { type: "plain_text" as const, text: STAGE_BUTTON_LABELS[verb] },
      })),
    });
  }
  blocks.push(section(escapeText(words.answer)));
  blocks.push(context(`Operation ${code(o.operationId)}`));
  return message(`${words.title} — ${words.detail}`, blocks);
}
