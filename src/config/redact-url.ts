/**
 * Credentials inside URLs, hidden wherever the bot prints a URL: start-up messages, the log,
 * the console. A URL's user-info (`redis://:hunter2@host`, `https://user:pw@host`) becomes
 * `***@`, and the value of a query parameter that names a secret (`?password=…`, `&token=…`)
 * becomes `***` — a sign-in's `code`, `state`, `nonce` and one-time `ticket` included. The rest of
 * the URL stays, so the operator still sees where it points.
 */

// Greedy up to the last "@" of the authority: a password may itself hold an unescaped "@".
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>\\]*@/gi;
const SECRET_PARAMETER =
  /([?&;](?:password|passwd|pwd|pass|secret|client_secret|token|access_token|refresh_token|id_token|api[_-]?key|key|sig|signature|code|code_verifier|state|nonce|ticket)=)[^&#\s"'<>\\]*/gi;

export function redactUrls(text: string): string {
  if (!text.includes("://") && !text.includes("=")) return text;
  return text.replace(USER_INFO, "$1***@").replace(SECRET_PARAMETER, "$1***");
}
