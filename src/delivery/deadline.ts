/**
 * Rejects when `promise` has not settled within `ms`. The promise itself is left to settle on its
 * own (there is no cancelling a Redis command in flight); use it where an answer must come in
 * time — a health check, a scrape, a shutdown step — whatever the other side does.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = "Redis"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
