import nock from "nock";
import { afterAll, beforeAll } from "vitest";
import { createGraphDirectory } from "../../../src/directory/graph/index.js";
import { CLIENT_ID, fakeTiming, GRAPH, LOGIN, TENANT } from "../graph/graph-fakes.js";
import { directoryContract } from "./directory-contract.js";
import { mockGraphTenant } from "./nock-graph-tenant.js";

/**
 * The Directory contract against Graph as nock models it. The clock only moves when the
 * client sleeps, so Retry-After waits cost no real time; the rate limit's window moves
 * with the same clock.
 */

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

directoryContract("Graph client against a nock model of Graph", async (tenant, options) => {
  nock.cleanAll();
  const timing = fakeTiming();
  const model = mockGraphTenant(tenant, {
    now: timing.now,
    ...(options.rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond: options.rateLimitPerSecond }),
    ...(options.permissions === undefined ? {} : { permissions: options.permissions }),
    ...(options.defaultMethodRefusal === undefined
      ? {}
      : { defaultMethodRefusal: options.defaultMethodRefusal }),
    ...(options.batchStatusWhenThrottled === undefined
      ? {}
      : { batchStatusWhenThrottled: options.batchStatusWhenThrottled }),
  });
  const throttleWaitsMs: number[] = [];
  const directory = createGraphDirectory({
    graphBaseUrl: GRAPH,
    authorityHost: LOGIN,
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecret: "s3cret~value",
    backoffBaseMs: 5,
    requestsPerSecond: 1000,
    timing,
    onThrottle: (ms) => throttleWaitsMs.push(ms),
  });
  return {
    directory,
    throttledResponses: () => model.throttled(),
    throttleWaitsMs,
    removedMethods: (userId) => model.removedMethods(userId),
    defaultMethodChanges: () => model.defaultMethodChanges(),
    close: async () => {
      nock.cleanAll();
    },
  };
});
