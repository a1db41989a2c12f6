import type { types } from "@slack/bolt";
import { capMrkdwn, capPlain } from "../escape.js";

type Block = types.KnownBlock;

/**
 * What one Slack message may carry. Block Kit documents 50 blocks a message
 * (https://docs.slack.dev/reference/block-kit/blocks); the total text of the blocks is not
 * documented, but Slack answers `msg_blocks_too_long` from roughly 12,000–13,000 characters
 * (https://github.com/slackapi/bolt-js/issues/2509, https://github.com/slackapi/bolt-js/issues/2867),
 * so 12,000 is the limit here. Characters are counted as UTF-16 code units, never fewer than
 * Slack's own count.
 */
export const SLACK_MESSAGE_GUARD = { blockText: 12_000, blocks: 50 } as const;

/** Room kept for the line that says what was left out. */
const NOTE_ROOM = 120;
/** A block shrunk below this says too little to keep: it is left out (and counted) instead. */
const SMALLEST_USEFUL = 160;

/** The characters of text a block carries: every `text` string in it, however deep. */
export function blockTextLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + blockTextLength(item), 0);
  if (!value || typeof value !== "object") return 0;
  let sum = 0;
  for (const [key, inner] of Object.entries(value)) {
    if (key === "text" && typeof inner === "string") sum += inner.length;
    else sum += blockTextLength(inner);
  }
  return sum;
}

/**
 * Fits blocks within SLACK_MESSAGE_GUARD on purpose, never by a rejected post: the longest
 * lists are shortened first (whole lines, with a count of the rest), blocks that would say too
 * little once shortened are left out, and a last line says how much is not shown. Buttons
 * (actions) are always kept.
 */
export function guardBlocks(blocks: readonly Block[]): Block[] {
  let kept = [...blocks];
  let leftOut = 0;
  const maxBlocks = SLACK_MESSAGE_GUARD.blocks - 1;
  if (kept.length > SLACK_MESSAGE_GUARD.blocks) {
    // Actions past the cut move up: an approval must keep its buttons.
    const actions = kept.slice(maxBlocks).filter((b) => b.type === "actions");
    leftOut += kept.length - maxBlocks - actions.length;
    kept = [...kept.slice(0, maxBlocks - actions.length), ...actions];
  }
  const budget = SLACK_MESSAGE_GUARD.blockText - NOTE_ROOM;
  let total = blockTextLength(kept);
  while (total > budget) {
    const index = largestShrinkable(kept);
    if (index === -1) break;
    const block = kept[index] as Block;
    const size = blockTextLength(block);
    const target = size - (total - budget);
    const shrunk = target >= SMALLEST_USEFUL ? shrink(block, target) : undefined;
    if (shrunk) kept[index] = shrunk;
    else {
      kept.splice(index, 1);
      leftOut++;
    }
    total = blockTextLength(kept);
  }
  if (leftOut > 0) {
    // At most 49 blocks are left here (cut to 49 above, or one or more removed): the note fits.
    kept.push({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `_… ${leftOut} more part${leftOut === 1 ? "" : "s"} of this message not shown_`,
        },
      ],
    });
  }
  return kept;
}

function largestShrinkable(blocks: readonly Block[]): number {
  let best = -1;
  let bestSize = 0;
  blocks.forEach((block, i) => {
    if (block.type === "actions") return;
    const size = blockTextLength(block);
    if (size > bestSize) {
      best = i;
      bestSize = size;
    }
  });
  return best;
}

/** The block with about `target` characters of text, or undefined when it cannot be shortened so. */
function shrink(block: Block, target: number): Block | undefined {
  if (block.type === "section") {
    if (block.text) {
      const text = { ...block.text, text: shortenLines(block.text.text, target, block.text.type) };
      return { ...block, text, ...(block.fields ? { fields: [] } : {}) } as Block;
    }
    if (block.fields && block.fields.length > 0) {
      const each = Math.floor(target / block.fields.length);
      if (each < 20) return undefined;
      return {
        ...block,
        fields: block.fields.map((f) => ({ ...f, text: shortenLines(f.text, each, f.type) })),
      } as Block;
    }
    return undefined;
  }
  if (block.type === "context") {
    const each = Math.floor(target / Math.max(1, block.elements.length));
    return {
      ...block,
      elements: block.elements.map((e) =>
        "text" in e && typeof e.text === "string" ? { ...e, text: shortenLines(e.text, each, e.type) } : e,
      ),
    } as Block;
  }
  if (block.type === "header")
    return { ...block, text: { ...block.text, text: capPlain(block.text.text, target) } };
  return undefined;
}

/**
 * The first whole lines of `text` that fit in `target` characters, then a count of the lines
 * left out; a first line longer than that is cut.
 */
export function shortenLines(text: string, target: number, type: "mrkdwn" | "plain_text"): string {
  if (text.length <= target) return text;
  const lines = text.split("\n");
  const kept: string[] = [];
  let used = 0;
  const room = target - 40;
  for (const line of lines) {
    if (used + line.length + 1 > room) break;
    kept.push(line);
    used += line.length + 1;
  }
  const more = lines.length - kept.length;
  if (kept.length === 0) return type === "mrkdwn" ? capMrkdwn(text, target) : capPlain(text, target);
  const note = type === "mrkdwn" ? `_… and ${more} more lines_` : `… and ${more} more lines`;
  return `${kept.join("\n")}\n${note}`;
}
