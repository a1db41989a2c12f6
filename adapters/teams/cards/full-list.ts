import { fullListParts } from "../../../src/notify/full-list.js";
import type { ApprovalView } from "../../../src/notify/outcome.js";
import { type AdaptiveCard, adaptiveCard, clean, heading, monospace, subtle } from "./elements.js";

/**
 * Names per message, in UTF-8 bytes. The card carries them twice (TextRuns and fallbackText),
 * so a message stays near 8 KB, far under Teams' ~28 KB, and the fallback stays under the
 * 4,000 characters `adaptiveCard` keeps of it, so no name is cut off there either.
 */
const MESSAGE_BYTES = 3_500;
/** `clean` cuts a TextRun at 2,000 characters; a run never gets near that. */
const RUN_CHARS = 1_800;
/** A name is a UPN or what someone typed; a longer one is not a name. */
const NAME_CHARS = 256;

/**
 * One name a line: a line break inside a name would let it pass for two names, and the rest
 * of the text is shown as typed because TextRuns process neither Markdown nor `<at>`.
 */
function nameLine(name: string): string {
  return clean(name.replace(/[\r\n\u2028\u2029]+/g, " "), NAME_CHARS);
}

function runsOf(lines: readonly string[]): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  let chars = 0;
  for (const text of lines) {
    if (chars + text.length + 1 > RUN_CHARS && run.length > 0) {
      runs.push(run);
      run = [];
      chars = 0;
    }
    run.push(text);
    chars += text.length + 1;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/**
 * The approval card shows the first names; these cards are everyone, for follow-up messages
 * under the card, so an approver can check exactly who will change before clicking.
 */
export function fullListCards(approval: ApprovalView): AdaptiveCard[] {
  return fullListParts(approval, MESSAGE_BYTES, nameLine, (text) => Buffer.byteLength(text, "utf8")).map(
    (part) =>
      adaptiveCard([
        heading(part.heading),
        ...runsOf(part.lines).map(monospace),
        subtle(`approval ${approval.id}: everyone in the request`),
      ]),
  );
}
