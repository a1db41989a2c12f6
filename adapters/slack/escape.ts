/**
 * Slack reads `<…>` in mrkdwn (and in a message's fallback `text`) as mentions, broadcasts
 * (`<!channel>`) and links, and `&` starts an entity; escaping these three is what Slack
 * documents, and it makes anything a person typed show as typed instead of acting.
 */
const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

// Bare @channel/@here/@everyone only broadcast where Slack links names (link_names, parse=full);
// a word joiner keeps them inert even there, and reads the same.
const BARE_BROADCAST = /@(channel|here|everyone)\b/gi;
// Control and bidi-override characters could disguise what a message says.
const DISGUISING = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/** User-supplied (or directory-supplied) text, safe to put into mrkdwn or a fallback text. */
export function escapeText(text: string): string {
  return text
    .replace(DISGUISING, "")
    .replace(/[&<>]/g, (c) => ENTITIES[c]!)
    .replace(BARE_BROADCAST, "@\u2060$1");
}

/** Text for a `plain_text` object: Slack shows it verbatim, but it still must not hide its meaning. */
export function plainText(text: string): string {
  return text.replace(DISGUISING, "");
}

/**
 * Shortens mrkdwn to `max` characters without cutting an entity (`&amp;`), one of our own
 * `<…>` sequences (dates, links) or a surrogate pair in two, which Slack would show broken
 * or reject.
 */
export function capMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const lastAmp = text.lastIndexOf("&", cut - 1);
  if (lastAmp !== -1 && lastAmp > cut - 6 && text.indexOf(";", lastAmp) >= cut) cut = lastAmp;
  const lastOpen = text.lastIndexOf("<", cut - 1);
  if (lastOpen !== -1 && text.indexOf(">", lastOpen) >= cut) cut = lastOpen;
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** Shortens plain text (buttons, headers, dialog titles) to `max` characters. */
export function capPlain(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
