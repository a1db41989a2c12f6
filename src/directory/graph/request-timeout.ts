/**
 * Every Graph request gets an answer or an error in bounded time: a Graph that accepts the
 * connection and never answers (a dead front end) must become a failure the retry rules can
 * handle, not a job that hangs for ever. Graph documents no response time; 30 s is far above
 * what a healthy PATCH or `$batch` of 20 takes, and is the client's own timeout, not Graph's.
 */
export const GRAPH_REQUEST_TIMEOUT_MS = 30_000;

export function withRequestTimeout(fetchImpl: typeof fetch, timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetchImpl(input, { ...init, signal });
  };
}
