/** The HTTP status of a failed Bot Connector call (botbuilder throws RestErrors carrying it). */
export function statusCodeOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const status =
    (err as { statusCode?: unknown; status?: unknown }).statusCode ?? (err as { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}
