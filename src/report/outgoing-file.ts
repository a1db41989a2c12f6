import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * A file the worker hands a Notifier to deliver (the report's CSV, a chart): on the worker's
 * disk, so a notifier streams it out rather than holding it; `bytes` is known up front
 * because Slack's upload asks for the length before the content.
 */
export interface OutgoingFile {
  path: string;
  filename: string;
  mimeType: "text/csv" | "image/png";
  bytes: number;
  title: string;
  /** For images: what the picture shows, for screen readers. */
  altText?: string;
}

/** A small in-memory file (a chart) written to its own temporary folder. */
export async function temporaryFile(
  content: Uint8Array,
  describe: Omit<OutgoingFile, "path" | "bytes">,
): Promise<OutgoingFile> {
  const dir = await mkdtemp(join(tmpdir(), "mfa-bot-file-"));
  const path = join(dir, describe.filename);
  await writeFile(path, content);
  return { ...describe, path, bytes: content.byteLength };
}

/** Removes a delivered file and the temporary folder made for it. */
export async function discardFile(file: OutgoingFile): Promise<void> {
  await rm(dirname(file.path), { recursive: true, force: true });
}
