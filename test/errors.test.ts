import { describe, expect, it } from "vitest";
import { SlackIdentityError } from "../adapters/slack/identity.js";
import { SlackDeliveryError } from "../adapters/slack/notifier.js";
import { ResponseUrlError } from "../adapters/slack/response-url.js";
import { TeamsPackageError } from "../adapters/teams/package.js";
import { ConfigError, PolicyError } from "../src/config/startup-error.js";
import { DirectoryError, isFinal } from "../src/directory/errors.js";
import { DeliveryError } from "../src/notify/port.js";

describe("error classes", () => {
  it("each names itself, so logs and tests can tell them apart without instanceof", () => {
    const errors: Array<[Error, string]> = [
      [new DirectoryError("forbidden", "no"), "DirectoryError"],
      [new DeliveryError("gone"), "DeliveryError"],
      [new SlackDeliveryError("not in channel"), "SlackDeliveryError"],
      [new SlackIdentityError("no email"), "SlackIdentityError"],
      [new ResponseUrlError(404, "expired_url"), "ResponseUrlError"],
      [new TeamsPackageError("bad manifest"), "TeamsPackageError"],
      [new ConfigError(["PORT must be a number"]), "ConfigError"],
      [new PolicyError("policy.json", ["roles missing"]), "PolicyError"],
    ];
    for (const [error, name] of errors) {
      expect(error.name).toBe(name);
      expect(String(error)).toMatch(new RegExp(`^${name}: `));
    }
  });
});

describe("isFinal", () => {
  it("ends what a person must fix and retries what may pass", () => {
    for (const kind of ["auth", "badRequest", "forbidden", "notFound", "conflict"] as const) {
      expect(isFinal(new DirectoryError(kind, "x")), kind).toBe(true);
    }
    for (const kind of ["throttled", "unavailable", "unexpected"] as const) {
      expect(isFinal(new DirectoryError(kind, "x")), kind).toBe(false);
    }
  });

  it("ends a delivery the platform will never take, and retries anything unknown", () => {
    expect(isFinal(new DeliveryError("the bot is not in the channel"))).toBe(true);
    expect(isFinal(new SlackDeliveryError("no timestamp"))).toBe(true);
    expect(isFinal(new Error("ECONNRESET"))).toBe(false);
    expect(isFinal("a string")).toBe(false);
    expect(isFinal(Object.assign(new Error("looks final"), { final: "yes" }))).toBe(false);
  });
});
