import type { ServerResponse } from "node:http";

/**
 * Small HTML pages for people in a browser (the sign-in result, the sandbox's sign-in page).
 * Everything shown is escaped; the page loads nothing, sends no referrer (a sign-in callback's URL
 * holds its code and state) and is never cached.
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

/** A whole page around `bodyHtml` (already escaped by the caller). */
export function htmlPage(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}code{background:#eee;padding:0 .2em}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
${bodyHtml}
</body></html>
`;
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, { ...HEADERS, "content-length": Buffer.byteLength(html), ...headers });
  res.end(html);
}
