import { Writable } from "node:stream";
import nock from "nock";
import { pino } from "pino";
import { createGraphDirectory, type GraphDirectoryOptions } from "../../../src/directory/graph/index.js";
import type { Timing } from "../../../src/directory/graph/retry.js";

export const GRAPH = "https://graph.test";
export const LOGIN = "https://login.test";
export const TENANT = "contoso-tenant";
export const CLIENT_ID = "11111111-2222-3333-4444-555555555555";
export const TOKEN_PATH = `/${TENANT}/oauth2/v2.0/token`;
export const ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.secret-token";

/**
 * A clock that only moves when someone sleeps: retries and throttle waits finish at once,
 * and a test can still see how long each caller would have waited (`now()` at a request).
 */
export function fakeTiming(start = 1_700_000_000_000): Timing & { sleeps: number[] } {
  let clock = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      if (ms > 0) clock += ms;
      // Let other callers run between steps, as a real timer would.
      await new Promise((resolve) => setImmediate(resolve));
    },
    random: () => 0.5,
  };
}

export function mockToken(times = 1, expiresIn = 3599, token = ACCESS_TOKEN): nock.Scope {
  return nock(LOGIN).post(TOKEN_PATH).times(times).reply(200, {
    token_type: "Bearer",
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: token,
  });
}

export function captureLogs(): {
  logger: pino.Logger;
  lines: () => Record<string, unknown>[];
  raw: () => string;
} {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const logger = pino({ level: "debug" }, stream);
  return {
    logger,
    raw: () => text,
    lines: () =>
      text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export function makeDirectory(overrides: Partial<GraphDirectoryOptions> = {}) {
  const timing = fakeTiming();
  const directory = createGraphDirectory({
    graphBaseUrl: GRAPH,
    authorityHost: LOGIN,
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecret: "s3cret~value",
    backoffBaseMs: 10,
    requestsPerSecond: 1000,
    timing,
    ...overrides,
  });
  return { directory, timing };
}

export function graphError(code: string, message: string) {
  return { error: { code, message, innerError: { "request-id": "req-1", date: "2025-01-01T00:00:00" } } };
}
