import { redactUrls } from "./redact-url.js";

/**
 * Small helpers shared by the env and policy messages: how a value a person typed is
 * shown back to them, and a "did you mean" for misspelt keys.
 */

const MAX_SHOWN = 60;

/**
 * A value quoted for an error message: JSON-quoted (so newlines cannot break the one
 * line), credentials in a URL masked (redactUrls), long values cut short.
 */
export function quoteValue(value: unknown): string {
  const masked = typeof value === "string" ? redactUrls(value) : value;
  const text = JSON.stringify(masked) ?? String(masked);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** The known key closest to a misspelt one, if it is close enough to be a likely typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}
