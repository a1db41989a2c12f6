import { z } from "zod";

/**
 * The console's mailbox: the worker's ConsoleNotifier appends answers to a Redis stream
 * per console session; the console reads it. Both sides parse entries with this schema.
 */
export const consoleEntrySchema = z.object({
  type: z.enum(["reply", "post", "update", "dm"]),
  messageId: z.string(),
  /** The request the answer belongs to (from the reply address), when known. */
  requestId: z.string().optional(),
  /** For direct messages: who would receive it. */
  to: z.string().optional(),
  /** Files saved for the answer (a JSON array of paths), which the console prints. */
  files: z.string().optional(),
  outcome: z.string(),
});
export type ConsoleEntry = z.infer<typeof consoleEntrySchema>;

export function consoleStreamKey(prefix: string, sessionId: string): string {
  return `${prefix}:console:${sessionId}`;
}
