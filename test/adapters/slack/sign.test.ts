import { verifySlackRequest } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { slackSignature } from "../../helpers/slack-sign.js";

describe("slackSignature (test helper)", () => {
  it("matches the example in Slack's documentation", () => {
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    expect(slackSignature("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, body)).toBe(
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    );
  });

  it("is accepted by Bolt's own verification, and a stale one is not", () => {
    const secret = "s3cret";
    const body = "text=status";
    const now = Math.floor(Date.now() / 1000);
    const headers = (ts: number) => ({
      "x-slack-signature": slackSignature(secret, ts, body),
      "x-slack-request-timestamp": ts,
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(() => verifySlackRequest({ signingSecret: secret, body, headers: headers(now) })).not.toThrow();
    expect(() =>
      verifySlackRequest({ signingSecret: secret, body, headers: headers(now - 6 * 60) }),
    ).toThrow();
  });
});
