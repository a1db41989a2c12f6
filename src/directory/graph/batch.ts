import { z } from "zod";
import { DirectoryError } from "../errors.js";
import { type ErrorContext, errorFromResponse } from "./errors.js";
import type { GraphHttp, HttpMethod } from "./http.js";
import { backoffDelay, parseRetryAfter } from "./retry.js";
import { classCostOf, classCostsOf, type GraphRouteClass } from "./route-class.js";

/** Graph's JSON batching limit. */
export const BATCH_LIMIT = 20;

export interface BatchItem {
  /** Unique within one runBatch call; answers are matched by it (they come in any order). */
  id: string;
  method: HttpMethod;
  /** Relative to the batch's version: `/users/{id}/authentication/requirements`. */
  url: string;
  body?: unknown;
}

export type BatchOutcome = { ok: true; status: number; body: unknown } | { ok: false; error: DirectoryError };

const batchResponse = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    }),
  ),
});

export interface BatchOptions extends Pick<ErrorContext, "permission" | "notFound"> {
  /** `beta` for per-user MFA: a batch's version applies to every request in it. */
  version: "v1.0" | "beta";
}

/**
 * Sends items 20 to a `$batch`, several batches at a time, and retries only the items
 * that need it: an item's own 429 waits its own Retry-After (and pauses everyone through
 * the shared gate), an item's 5xx backs off; both bounded by maxRetries.
 *
 * Whenever the answer carries `responses`, it is read item by item whatever the batch's
 * own status: Graph's throttling guidance has said both that a batch with a throttled
 * item answers 424 as a whole and that it answers 200 — either way each item's status is
 * in the body, and an item answered 2xx was applied
 * (https://learn.microsoft.com/graph/throttling#throttling-and-batching,
 * https://learn.microsoft.com/graph/json-batching#response-format). Only a batch with no
 * per-item answers fails as a whole, failing each of its items, never the others' batches.
 */
export async function runBatch(
  http: GraphHttp,
  items: readonly BatchItem[],
  options: BatchOptions,
): Promise<Map<string, BatchOutcome>> {
  const results = new Map<string, BatchOutcome>();
  const chunks: BatchItem[][] = [];
  for (let i = 0; i < items.length; i += BATCH_LIMIT) chunks.push(items.slice(i, i + BATCH_LIMIT));
  const { timing, maxRetries, backoffBaseMs, maxBackoffMs } = http.options;
  const context: ErrorContext = {
    permission: options.permission,
    ...(options.notFound === undefined ? {} : { notFound: options.notFound }),
  };

  async function sendChunk(chunk: BatchItem[]): Promise<void> {
    const attempts = new Map<string, number>();
    let pending = chunk;
    while (pending.length > 0) {
      let answers: Map<string, z.infer<typeof batchResponse>["responses"][number]>;
      try {
        const response = await http.request({
          method: "POST",
          path: `/${options.version}/$batch`,
          body: { requests: pending.map(toRequest) },
          costs: classCostsOf(pending),
          permission: options.permission,
          answerDespiteStatus: (_status, body) => batchResponse.safeParse(body).success,
        });
        const parsed = batchResponse.safeParse(response.body);
        if (!parsed.success)
          throw new DirectoryError("unexpected", "Graph answered a $batch with no responses");
        answers = new Map(parsed.data.responses.map((answer) => [answer.id, answer]));
      } catch (error) {
        const failure =
          error instanceof DirectoryError
            ? error
            : new DirectoryError("unexpected", String(error), { cause: error });
        for (const item of pending) results.set(item.id, { ok: false, error: failure });
        return;
      }

      const retry: BatchItem[] = [];
      let waitMs = 0;
      // Each item is throttled on its own route: only the classes that said so pause.
      const throttledMs = new Map<GraphRouteClass, number>();
      for (const item of pending) {
        const attempt = attempts.get(item.id) ?? 0;
        const answer = answers.get(item.id);
        const status = answer?.status ?? 0;
        if (answer && status < 400) {
          results.set(item.id, { ok: true, status, body: answer.body });
          continue;
        }
        const retryAfterMs = parseRetryAfter(headerOf(answer?.headers, "retry-after"), timing.now());
        const wait = retryAfterMs ?? backoffDelay(attempt, backoffBaseMs, maxBackoffMs, timing.random);
        if (status === 429) {
          const { routeClass } = classCostOf(item.method, item.url);
          throttledMs.set(routeClass, Math.max(throttledMs.get(routeClass) ?? 0, wait));
        }
        // Inside a batch any 5xx is the item's own transient failure; a 424 item was not run
        // (it failed along with the batch); neither was applied, so both go again.
        const retryable = !answer || status === 429 || status === 424 || status >= 500;
        if (retryable && attempt < maxRetries) {
          attempts.set(item.id, attempt + 1);
          retry.push(item);
          waitMs = Math.max(waitMs, wait);
          continue;
        }
        const error = answer
          ? errorFromResponse(status, answer.body, { ...context, retryAfterMs: wait })
          : new DirectoryError("unavailable", "Graph gave no answer for this item of the $batch");
        results.set(item.id, { ok: false, error });
      }
      for (const [routeClass, ms] of throttledMs) http.throttled(ms, routeClass);
      if (retry.length > 0) await timing.sleep(waitMs);
      pending = retry;
    }
  }

  let next = 0;
  const lanes = Array.from({ length: Math.min(http.options.batchConcurrency, chunks.length) }, async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      await sendChunk(chunk);
    }
  });
  await Promise.all(lanes);
  return results;
}

function toRequest(item: BatchItem): Record<string, unknown> {
  return item.body === undefined
    ? { id: item.id, method: item.method, url: item.url }
    : {
        id: item.id,
        method: item.method,
        url: item.url,
        headers: { "Content-Type": "application/json" },
        body: item.body,
      };
}

function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
