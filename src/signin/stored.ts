import type { z } from "zod";

/** A JSON value read back from Redis; one that no longer parses (a hand edit, an older shape) counts as none. */
export function parseStored<T>(schema: z.ZodType<T>, value: string | null | undefined): T | undefined {
  if (value === null || value === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
