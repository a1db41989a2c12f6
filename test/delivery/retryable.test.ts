import { webApi } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { isRetryableSlackFailure } from "../../adapters/slack/retryable.js";
import { isRetryableTeamsFailure } from "../../adapters/teams/retryable.js";
import { DeliveryError } from "../../src/notify/port.js";

describe("which failed sends the outbox keeps", () => {
  it("Slack: away (network, 5xx, a rate limit that did not end) yes; Slack's own refusals and DeliveryErrors no", () => {
    expect(isRetryableSlackFailure(new Error("connect ECONNREFUSED"))).toBe(true);
    expect(isRetryableSlackFailure(new DeliveryError("invite me to the channel"))).toBe(false);
    expect(isRetryableSlackFailure(new webApi.WebAPIRequestError(new Error("socket hang up")))).toBe(true);
    expect(isRetryableSlackFailure(new webApi.WebAPIHTTPError(503, "Service Unavailable", {}))).toBe(true);
    expect(
      isRetryableSlackFailure(new webApi.WebAPIPlatformError({ ok: false, error: "channel_not_found" })),
    ).toBe(false);
    expect(isRetryableSlackFailure(new webApi.WebAPIPlatformError({ ok: false, error: "ratelimited" }))).toBe(
      true,
    );
  });

  it.each([
    [undefined, true],
    [500, true],
    [502, true],
    [429, true],
    [412, true],
    [403, false],
    [404, false],
  ])("Teams: status %s → %s", (status, expected) => {
    const err = Object.assign(new Error("send failed"), status === undefined ? {} : { statusCode: status });
    expect(isRetryableTeamsFailure(err)).toBe(expected);
  });

  it("Teams: a DeliveryError is final", () => {
    expect(isRetryableTeamsFailure(new DeliveryError("the bot was removed from the team"))).toBe(false);
  });
});
