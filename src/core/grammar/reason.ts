import { Failure } from "./failure.js";

export const MAX_REASON_LENGTH = 500;

// `--reason …` (macOS and Slack turn a typed `--` into an em or en dash) or `reason: …`.
const MARKER = /(^|\s)(?:((?:--|[—–])reason)(?=$|[\s=])|reason:)/iu;
// Each opening quote with the quotes that may close it: keyboards and chat clients mix
// straight and typographic quotes (“…”, „…“, ‘…’).
const CLOSERS: Readonly<Record<string, string>> = {
  '"': '"“”',
  "“": '"“”',
  "”": '"“”',
  "„": '"“”',
  "'": "'‘’",
  "‘": "'‘’",
  "’": "'‘’",
  "«": "»",
};
// Control and bidi-override characters would let a reason disguise itself in the audit log.
const UNSAFE_IN_REASON = /[\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]/gu;

export interface Split {
  /** The command's arguments with the reason taken out. */
  args: string;
  reason?: string;
}

function normalizeReason(raw: string): string | Failure {
  const reason = raw.replace(UNSAFE_IN_REASON, " ").replace(/\s+/gu, " ").trim();
  if (reason === "") return new Failure("the reason is empty");
  if (Array.from(reason).length > MAX_REASON_LENGTH) {
    return new Failure(`the reason is longer than ${MAX_REASON_LENGTH} characters`);
  }
  return reason;
}

/** A closing quote counts only before white space or the end, so `'user's phone'` stays whole. */
function closingQuote(text: string, open: number): number {
  const closers = CLOSERS[text[open]!]!;
  for (let i = open + 1; i < text.length; i++) {
    if (closers.includes(text[i]!) && (i + 1 === text.length || /\s/u.test(text[i + 1]!))) return i;
  }
  return -1;
}

/** Takes the optional reason out of the text after the verb. */
export function splitReason(text: string): Split | Failure {
  const marker = MARKER.exec(text);
  if (!marker) return { args: text };
  const before = text.slice(0, marker.index + marker[1]!.length);
  const valueStart = marker.index + marker[0].length;
  if (marker[2] === undefined) {
    // `reason:` takes the rest of the text.
    const reason = normalizeReason(text.slice(valueStart));
    return reason instanceof Failure ? reason : { args: before, reason };
  }
  const value = /^\s*=?\s*/u.exec(text.slice(valueStart))!;
  const start = valueStart + value[0].length;
  if (start >= text.length) return new Failure('--reason needs a text, e.g. --reason "lost phone"');
  let raw: string;
  let after: string;
  if (CLOSERS[text[start]!] !== undefined) {
    const end = closingQuote(text, start);
    if (end === -1) return new Failure("the reason has no closing quote");
    raw = text.slice(start + 1, end);
    after = text.slice(end + 1);
  } else {
    const word = /^\S+/u.exec(text.slice(start))![0];
    raw = word;
    after = text.slice(start + word.length);
    // An unquoted reason is one word: more text after it is most likely the rest of the reason.
    if (after.trim() !== "") return new Failure("put a reason of more than one word in quotes");
  }
  const reason = normalizeReason(raw);
  if (reason instanceof Failure) return reason;
  const args = `${before} ${after}`;
  if (MARKER.test(args)) return new Failure("give the reason only once");
  return { args, reason };
}
