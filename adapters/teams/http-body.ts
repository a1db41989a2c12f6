import type { IncomingMessage } from "node:http";
import { requestBody } from "../../src/http/server.js";

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; error: string };

/** Bot Framework activities are small (Teams caps a message near 28 KB); this leaves room for cards. */
export const MAX_ACTIVITY_BYTES = 512 * 1024;

export async function readJsonBody(req: IncomingMessage, limit = MAX_ACTIVITY_BYTES): Promise<JsonBody> {
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type)) {
    req.resume();
    return { ok: false, status: 415, error: "expected application/json" };
  }
  // The shared server has read and size-checked the body already (src/http/server.ts).
  const read = requestBody(req);
  if (read !== undefined) {
    if (read.length > limit) return { ok: false, status: 413, error: "request body too large" };
    return parseJson(read);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      req.resume();
      return { ok: false, status: 413, error: "request body too large" };
    }
    chunks.push(buffer);
  }
  return parseJson(Buffer.concat(chunks));
}

function parseJson(body: Buffer): JsonBody {
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) };
  } catch {
    return { ok: false, status: 400, error: "request body is not JSON" };
  }
}
