import nock from "nock";
import { afterAll, beforeAll } from "vitest";

/**
 * The tests of this file reach nothing but this machine: the fakes (Slack, the Bot Connector)
 * and the sandbox tenant listen on 127.0.0.1; anything else fails at once.
 */
export function localNetworkOnly(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
}
