import nock from "nock";
import { afterAll, beforeAll } from "vitest";
import { createGraphDirectory } from "../../../src/directory/graph/index.js";
import { startSandbox } from "../../../src/sandbox/index.js";
import { directoryContract } from "./directory-contract.js";
import { toSandboxSeed, watchRemovedMethods } from "./sandbox-tenant.js";

/**
 * The Directory contract against the sandbox tenant over real HTTP, through the real
 * Graph client: the same assertions as the nock run, so the client's view of Graph and
 * the sandbox's cannot drift apart. The client's own pacing is lifted (the sandbox is
 * local); the rate-limit test gets its 429s from the sandbox.
 */

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
});
afterAll(() => nock.enableNetConnect());

directoryContract("Graph client against the sandbox tenant", async (tenant, options) => {
  const seed = toSandboxSeed(tenant);
  const sandbox = await startSandbox({
    seed:
      options.permissions === undefined
        ? seed
        : { ...seed, application: { permissions: [...options.permissions] } },
    ...(options.rateLimitPerSecond === undefined ? {} : { rateLimit: options.rateLimitPerSecond }),
    ...(options.defaultMethodRefusal === undefined
      ? {}
      : { defaultMethodRefusal: options.defaultMethodRefusal }),
    ...(options.batchStatusWhenThrottled === undefined
      ? {}
      : { batchStatusWhenThrottled: options.batchStatusWhenThrottled }),
  });
  const removedMethods = watchRemovedMethods(sandbox.tenant);
  const throttleWaitsMs: number[] = [];
  const directory = createGraphDirectory({
    graphBaseUrl: sandbox.url,
    authorityHost: sandbox.url,
    tenantId: "sandbox",
    clientId: "x",
    clientSecret: "y",
    backoffBaseMs: 5,
    requestsPerSecond: 1000,
    onThrottle: (ms) => throttleWaitsMs.push(ms),
  });
  return {
    directory,
    throttledResponses: () => sandbox.stats.throttled,
    throttleWaitsMs,
    removedMethods,
    defaultMethodChanges: () =>
      sandbox.stats.count("PATCH /beta/users/{id}/authentication/signInPreferences"),
    close: () => sandbox.close(),
  };
});
