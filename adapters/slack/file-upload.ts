import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { OutgoingFile } from "../../src/report/outgoing-file.js";
import type { SlackMessage } from "./render/blocks.js";
import { slackHostCheck } from "./response-url.js";
import type { SlackWebClient } from "./slack-client.js";
import { SlackDeliveryError } from "./slack-delivery-error.js";

export interface UploadDestination {
  channel: string;
  threadTs?: string;
}

/**
 * Slack's upload flow (https://docs.slack.dev/messaging/working-with-files#uploading_files):
 * files.getUploadURLExternal with the file's name and length in bytes, the bytes POSTed to the
 * `upload_url` it returns, then one files.completeUploadExternal that shares every file in the
 * channel (or thread) with the message as its blocks
 * (https://docs.slack.dev/reference/methods/files.completeUploadExternal). Files are streamed
 * from disk; none is read whole into memory. Needs the `files:write` scope.
 */
export async function uploadFiles(
  client: SlackWebClient,
  files: readonly OutgoingFile[],
  to: UploadDestination,
  message: SlackMessage,
  options: { fetch: typeof fetch; isTrustedUploadUrl: (url: string) => boolean },
): Promise<void> {
  const uploaded: Array<{ id: string; title: string }> = [];
  for (const file of files) {
    const started = await client.files.getUploadURLExternal({
      filename: file.filename,
      length: file.bytes,
      ...(file.altText ? { alt_text: file.altText.slice(0, 1000) } : {}),
    });
    const url = started.upload_url;
    const id = started.file_id;
    if (!url || !id) throw new SlackDeliveryError("Slack gave no upload address for the file");
    // The address came from Slack's own answer; still, file contents only ever go to Slack.
    if (!options.isTrustedUploadUrl(url)) {
      throw new SlackDeliveryError("Slack's upload address is not on a Slack host; the file was not sent");
    }
    const response = await options.fetch(url, {
      method: "POST",
      headers: { "content-type": file.mimeType, "content-length": String(file.bytes) },
      body: Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as RequestInit);
    await response.arrayBuffer();
    if (!response.ok) {
      throw new Error(`Slack's file upload answered HTTP ${response.status} for ${file.filename}`);
    }
    uploaded.push({ id, title: file.title });
  }
  await client.files.completeUploadExternal({
    files: uploaded as [{ id: string; title: string }],
    channel_id: to.channel,
    ...(to.threadTs ? { thread_ts: to.threadTs } : {}),
    // No initial_comment: Slack ignores `blocks` when one is given.
    blocks: message.blocks,
  });
}

/**
 * Where file bytes may go: Slack's file hosts over https (files.slack.com, and GovSlack's
 * slack-gov.com), or the origin of SLACK_API_URL so a local fake Slack serves the upload in tests.
 */
export function slackUploadUrlCheck(apiUrl: string): (url: string) => boolean {
  return slackHostCheck(apiUrl, /(^|\.)slack(-gov)?\.com$/);
}
