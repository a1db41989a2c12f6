/**
 * Arguments are separated by white space, commas or semicolons. A `<…>` segment (a Slack mention,
 * user group or mailto link) stays one token even when its label holds spaces or commas,
 * e.g. `<@U123|Smith, John>`.
 */
const SEPARATOR = /[\s,;]/u;
// A real Slack segment is short and on one line; beyond this a `<` is just a character, which
// also keeps tokenizing linear on hostile input.
const MAX_SEGMENT = 256;

function segmentEnd(text: string, open: number): number {
  const limit = Math.min(text.length, open + MAX_SEGMENT);
  for (let i = open + 1; i < limit; i++) {
    const c = text[i];
    if (c === ">") return i + 1;
    if (c === "<" || c === "\n" || c === "\r") return -1;
  }
  return -1;
}

export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && SEPARATOR.test(text[i]!)) i++;
    const start = i;
    while (i < text.length && !SEPARATOR.test(text[i]!)) {
      const end = text[i] === "<" ? segmentEnd(text, i) : -1;
      const wholeSegment = end !== -1 && i === start;
      i = end === -1 ? i + 1 : end;
      // Mentions picked one after another may arrive with nothing between them: `<@U1><@U2>`.
      if (wholeSegment && text[i] === "<") break;
    }
    if (i > start) tokens.push(text.slice(start, i));
  }
  return tokens;
}
