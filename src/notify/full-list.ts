import type { ApprovalView } from "./outcome.js";
import { APPROVAL_SECTION_ORDER, APPROVAL_SECTION_TITLES } from "./words.js";

export interface FullListPart {
  /** "Will change (400)", "… , continued" on later parts. */
  heading: string;
  lines: string[];
}

/**
 * Everyone a bulk approval card names, in parts small enough for one chat message each
 * (`size` measures a line as the platform counts it). Each platform renders the parts its
 * own way, under the card.
 */
export function fullListParts(
  approval: ApprovalView,
  maxPartSize: number,
  line: (name: string) => string,
  size: (line: string) => number,
): FullListPart[] {
  const all = approval.allNames;
  if (!all) return [];
  const sections = APPROVAL_SECTION_ORDER.map((key) => [APPROVAL_SECTION_TITLES[key], all[key]] as const);
  const parts: FullListPart[] = [];
  for (const [title, names] of sections) {
    let lines: string[] = [];
    let used = 0;
    const flush = () => {
      const continued = parts.length > 0 && parts.at(-1)?.heading.startsWith(title) ? ", continued" : "";
      parts.push({ heading: `${title} (${names.length})${continued}`, lines });
      lines = [];
      used = 0;
    };
    for (const name of names) {
      const text = line(name);
      const cost = size(text) + 1;
      if (used + cost > maxPartSize && lines.length > 0) flush();
      lines.push(text);
      used += cost;
    }
    if (lines.length > 0) flush();
  }
  return parts;
}
