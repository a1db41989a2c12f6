import { z } from "zod";
import { shuffle } from "./prng.js";
import { splitPath } from "./routes/index.js";
import {
  badRequest,
  type GraphRequest,
  type GraphResponse,
  type GraphVersion,
  graphError,
  json,
} from "./routes/types.js";

/**
 * JSON batching as Graph does it: up to 20 requests, each run through the same
 * handlers (and the same rate limit) as a request of its own, each answered with its
 * own status and headers, the answers in any order. The batch itself is 200 unless
 * it is malformed (https://learn.microsoft.com/graph/json-batching) — or, with
 * `statusWhenThrottled: 424`, 424 as a whole when an item was throttled, with every item's
 * own answer still in the body, as the older throttling guidance describes
 * (https://learn.microsoft.com/graph/throttling#throttling-and-batching).
 */

export const MAX_BATCH_REQUESTS = 20;

const batchSchema = z.object({
  requests: z.array(
    z.object({
      id: z.string().min(1),
      method: z.string().min(1),
      url: z.string().min(1),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
      dependsOn: z.array(z.string()).optional(),
    }),
  ),
});

export interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** The batch's own status when one of its items was throttled; 200 unless told otherwise. */
export type BatchStatusWhenThrottled = 200 | 424;

export function handleBatch(
  version: GraphVersion,
  body: unknown,
  run: (request: GraphRequest) => GraphResponse,
  random: () => number,
  statusWhenThrottled: BatchStatusWhenThrottled = 200,
): GraphResponse {
  const parsed = batchSchema.safeParse(body);
  if (!parsed.success) return badRequest("Invalid batch payload format.");
  const { requests } = parsed.data;
  if (requests.length === 0) return badRequest("Invalid batch payload format: no requests.");
  if (requests.length > MAX_BATCH_REQUESTS)
    return badRequest("Number of requests inside batch exceeds the limit.");
  const ids = new Set<string>();
  for (const item of requests) {
    if (ids.has(item.id)) return badRequest(`Batch request contains duplicate request id '${item.id}'.`);
    for (const dependency of item.dependsOn ?? []) {
      if (!ids.has(dependency))
        return badRequest(`Request '${item.id}' depends on unknown request '${dependency}'.`);
    }
    ids.add(item.id);
    const headerNames = Object.keys(item.headers ?? {}).map((h) => h.toLowerCase());
    if (item.body !== undefined && !headerNames.includes("content-type")) {
      return badRequest(`Write request id : ${item.id} does not contain Content-Type header or body.`);
    }
  }

  const statusById = new Map<string, number>();
  const responses: BatchItemResponse[] = requests.map((item) => {
    const failed = (item.dependsOn ?? []).find((d) => (statusById.get(d) ?? 500) >= 400);
    const response =
      failed !== undefined
        ? graphError(424, "FailedDependency", `Request '${failed}' that this request depends on failed.`)
        : runItem(version, item, run);
    statusById.set(item.id, response.status);
    const out: BatchItemResponse = { id: item.id, status: response.status, headers: response.headers ?? {} };
    if (response.body !== undefined) out.body = response.body;
    return out;
  });
  const throttled = responses.some((response) => response.status === 429);
  return json({ responses: shuffle(responses, random) }, throttled ? statusWhenThrottled : 200);
}

function runItem(
  version: GraphVersion,
  item: z.output<typeof batchSchema>["requests"][number],
  run: (request: GraphRequest) => GraphResponse,
): GraphResponse {
  if (/^[a-z][a-z0-9+.-]*:/i.test(item.url)) {
    return badRequest("Invalid request URL: batch URLs are relative to the batch's version.");
  }
  const [path = "", query = ""] = splitOnce(item.url, "?");
  const rawPath = `/${path.replace(/^\/+/, "")}`;
  const segments = splitPath(rawPath);
  if (!segments) return badRequest(`Invalid request URL '${item.url}'.`);
  const headers = Object.fromEntries(
    Object.entries(item.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return run({
    method: item.method.toUpperCase(),
    version,
    rawPath,
    segments,
    query: new URLSearchParams(query),
    headers,
    body: item.body,
  });
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}
