/** A reason the text is not a command. Parsers return it instead of throwing. */
export class Failure {
  constructor(readonly error: string) {}
}

const ECHO_LIMIT = 60;
// Angle brackets would let an echo turn into a mention or a link; control, bidi-override and lone
// surrogate characters could disguise or break the message.
const UNSAFE_IN_ECHO = /[<>\p{Cc}\p{Cs}\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

/** The user's text, made safe and short enough to quote back in an error. */
export function echo(text: string): string {
  // Bounding first keeps this linear however long and hostile the input is.
  const bounded = text.slice(0, ECHO_LIMIT * 4);
  const chars = Array.from(bounded.replace(UNSAFE_IN_ECHO, "").replace(/\s+/gu, " ").trim());
  return chars.length > ECHO_LIMIT ? `${chars.slice(0, ECHO_LIMIT - 1).join("")}…` : chars.join("");
}

/** `"text"`, echoed safely, for use inside an error sentence. */
export function quoted(text: string): string {
  return `"${echo(text)}"`;
}
