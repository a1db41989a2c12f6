import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SlackIdentity, SlackIdentityError } from "../../../adapters/slack/identity.js";
import { createSlackClient } from "../../../adapters/slack/slack-client.js";
import { silentLogger } from "../../../src/log.js";
import { FakeSlack } from "../../helpers/fake-slack.js";

let fake: FakeSlack;
let now: number;

function identity(): SlackIdentity {
  const client = createSlackClient({
    botToken: fake.botToken,
    apiUrl: fake.apiUrl,
    logger: silentLogger,
    retryConfig: { retries: 0 },
  });
  return new SlackIdentity({
    client,
    logger: silentLogger,
    ttlMs: 60_000,
    missingEmailTtlMs: 5_000,
    now: () => now,
  });
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  fake = await FakeSlack.start();
  fake
    .addUser({
      id: "U0ALICE",
      name: "alice",
      realName: "Alice Adams",
      displayName: "ally",
      email: " Alice@Contoso.COM ",
    })
    .addUser({ id: "U0BOB", name: "bob", email: "bob@contoso.com" })
    .addUser({ id: "U0NOEMAIL", name: "noemail", realName: "<!channel> Nomail" })
    .addUser({ id: "U0ROBOT", name: "robot", isBot: true })
    .addUser({ id: "U0LEFT", name: "left", deleted: true })
    .addUserGroup("S0TEAM", ["U0ALICE", "U0BOB", "U0ROBOT", "U0LEFT"])
    .addUserGroup("S0MIXED", ["U0ALICE", "U0NOEMAIL"])
    .addUserGroup("S0BOTS", ["U0ROBOT"]);
});

afterAll(async () => {
  await fake.close();
  nock.enableNetConnect();
});

beforeEach(() => {
  now = 1_000_000;
  fake.calls.length = 0;
  fake.scopes.add("users:read.email");
  fake.scopes.add("usergroups:read");
});

describe("SlackIdentity", () => {
  it("resolves a Slack user to the lower-cased profile email and caches it for the TTL", async () => {
    const id = identity();
    expect(await id.upnOf("U0ALICE")).toBe("alice@contoso.com");
    expect(await id.upnOf("U0ALICE")).toBe("alice@contoso.com");
    expect(fake.callsTo("users.info")).toHaveLength(1);
    now += 61_000;
    await id.upnOf("U0ALICE");
    expect(fake.callsTo("users.info")).toHaveLength(2);
  });

  it("explains a missing email by naming users:read.email, and asks again sooner", async () => {
    const id = identity();
    await expect(id.upnOf("U0NOEMAIL")).rejects.toThrow(SlackIdentityError);
    await expect(id.upnOf("U0NOEMAIL")).rejects.toThrow(/users:read\.email/);
    expect(fake.callsTo("users.info")).toHaveLength(1);
    now += 6_000;
    await expect(id.upnOf("U0NOEMAIL")).rejects.toThrow(SlackIdentityError);
    expect(fake.callsTo("users.info")).toHaveLength(2);
  });

  it("turns a mention into a UPN target labelled with the Slack name", async () => {
    expect(await identity().resolveTarget({ kind: "slackUser", id: "U0ALICE" })).toEqual([
      { kind: "upn", upn: "alice@contoso.com", label: "@ally" },
    ]);
  });

  it("refuses a bot and an unknown user with sentences a person can act on", async () => {
    await expect(identity().resolveTarget({ kind: "slackUser", id: "U0ROBOT" })).rejects.toThrow(/is a bot/);
    await expect(identity().resolveTarget({ kind: "slackUser", id: "U0NOBODY" })).rejects.toThrow(
      /Slack does not know the Slack user U0NOBODY/,
    );
  });

  it("expands a user group, leaving out bots and deactivated accounts", async () => {
    const targets = await identity().resolveTarget({ kind: "slackUserGroup", id: "S0TEAM" });
    expect(targets.map((t) => (t.kind === "upn" ? t.upn : ""))).toEqual([
      "alice@contoso.com",
      "bob@contoso.com",
    ]);
  });

  it("stops a group with members whose email cannot be read, rather than dropping them", async () => {
    await expect(identity().resolveTarget({ kind: "slackUserGroup", id: "S0MIXED" })).rejects.toThrow(
      /1 member\(s\).*users:read\.email/,
    );
  });

  it("reports an empty or unknown group", async () => {
    await expect(identity().resolveTarget({ kind: "slackUserGroup", id: "S0BOTS" })).rejects.toThrow(
      /no members/,
    );
    await expect(identity().resolveTarget({ kind: "slackUserGroup", id: "S0NONE" })).rejects.toThrow(
      /does not know the Slack user group S0NONE/,
    );
  });

  it("names usergroups:read when the app lacks it", async () => {
    fake.scopes.delete("usergroups:read");
    await expect(identity().resolveTarget({ kind: "slackUserGroup", id: "S0TEAM" })).rejects.toThrow(
      /`usergroups:read` scope/,
    );
  });
});
