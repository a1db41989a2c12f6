import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { localNetworkOnly } from "../helpers/local-network.js";
import { SlackServe } from "../helpers/slack-serve.js";

/**
 * Finding 7 of issue 13: who is the Slack user? The request's team was never compared with the
 * installed workspace, and guests, Slack Connect users of other organisations, deactivated
 * accounts and bots acted as whoever their profile email named. Each is now refused, saying why
 * (https://api.slack.com/types/user: is_restricted, is_ultra_restricted, is_stranger, team_id,
 * deleted, is_bot). Signed requests over real HTTP; the installed team comes from auth.test.
 */

localNetworkOnly();

// Every impostor's profile email is the admin's: what they could do is what the admin may.
const ADMIN_EMAIL = "admin@contoso.com";
const PEOPLE = {
  member: { id: "U0HELPDESK", name: "helpdesk", email: "helpdesk@contoso.com" },
  guest: { id: "U0GUEST", name: "guest", email: ADMIN_EMAIL, restricted: true },
  singleChannelGuest: { id: "U0SCGUEST", name: "scguest", email: ADMIN_EMAIL, ultraRestricted: true },
  connect: { id: "W0CONNECT", name: "connect", email: ADMIN_EMAIL, teamId: "T0FABRIKAM" },
  stranger: { id: "U0STRANGER", name: "stranger", email: ADMIN_EMAIL, stranger: true },
  deactivated: { id: "U0GONE", name: "gone", email: ADMIN_EMAIL, deleted: true },
  bot: { id: "U0BOTTY", name: "botty", email: ADMIN_EMAIL, isBot: true },
};

describe("Slack accounts that never hold a role", () => {
  let slack: SlackServe;
  beforeAll(async () => {
    slack = await SlackServe.start();
    for (const person of Object.values(PEOPLE)) slack.fake.addUser(person);
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(async () => {
    await slack.queue.queue.obliterate({ force: true });
  });

  it("a full member of the installed workspace is queued (the control)", async () => {
    const sent = await slack.slash("status alice@contoso.com", { userId: PEOPLE.member.id });
    expect(sent.status).toBe(200);
    expect(await slack.jobs()).toHaveLength(1);
  });

  it.each([
    [
      "a multi-channel guest",
      PEOPLE.guest,
      /Slack guests \(multi-channel guest accounts\) cannot use mfa-bot/,
    ],
    ["a single-channel guest", PEOPLE.singleChannelGuest, /single-channel guest accounts/],
    [
      "a Slack Connect user of another organisation",
      PEOPLE.connect,
      /another Slack workspace or organisation/,
    ],
    ["a stranger (is_stranger)", PEOPLE.stranger, /another Slack workspace or organisation/],
    ["a deactivated account", PEOPLE.deactivated, /deactivated/],
    ["a bot", PEOPLE.bot, /bots and workflows cannot use mfa-bot/i],
  ])("%s is refused, told why, and nothing is queued", async (_who, person, why) => {
    const sent = await slack.slash("disable alice@contoso.com", { userId: person.id, userName: person.name });
    expect(sent.status).toBe(200);
    expect(await slack.jobs()).toHaveLength(0);
    expect(slack.answersAt(sent.responseUrl)).toMatch(why);
  });

  it("a Slack Connect user's click on an approval card is refused, though it came through our channel", async () => {
    const click = await slack.click({ userId: PEOPLE.connect.id, teamId: "T0CONTOSO" }, (payload) => {
      (payload.user as Record<string, unknown>).team_id = "T0FABRIKAM";
    });
    expect(click.status).toBe(200);
    expect(await slack.jobs()).toHaveLength(0);
    expect(slack.answersAt(click.responseUrl)).toMatch(/only serves the Slack workspace it is installed in/);
  });

  it("a Slack Connect user mentioned as a target is not taken for the account their email names", async () => {
    const sent = await slack.slash(`disable <@${PEOPLE.connect.id}|connect>`, { userId: PEOPLE.member.id });
    expect(await slack.jobs()).toHaveLength(0);
    expect(slack.answersAt(sent.responseUrl)).toMatch(/belongs to another Slack workspace or organisation/);
  });
});

describe("requests from another workspace than the installed one", () => {
  let slack: SlackServe;
  beforeAll(async () => {
    slack = await SlackServe.start();
    slack.fake.addUser(PEOPLE.member);
  });
  afterAll(async () => {
    await slack.close();
  });

  it("are refused — after the ack until auth.test has named the workspace, in the ack itself afterwards", async () => {
    const first = await slack.slash("status alice@contoso.com", {
      userId: PEOPLE.member.id,
      teamId: "T0FABRIKAM",
    });
    expect(first.status).toBe(200);
    expect(slack.answersAt(first.responseUrl)).toMatch(/only serves the Slack workspace it is installed in/);
    expect(slack.fake.callsTo("auth.test")).toHaveLength(1);

    const second = await slack.slash("help", { userId: PEOPLE.member.id, teamId: "T0FABRIKAM" });
    expect(second.status).toBe(200);
    expect(JSON.stringify(second.json)).toMatch(/only serves the Slack workspace it is installed in/);
    expect(await slack.jobs()).toHaveLength(0);
    // auth.test is asked once, not per request.
    expect(slack.fake.callsTo("auth.test")).toHaveLength(1);
  });

  it("refuses a click from another workspace", async () => {
    const click = await slack.click({ userId: PEOPLE.member.id, teamId: "T0FABRIKAM" });
    expect(click.status).toBe(200);
    expect(await slack.jobs()).toHaveLength(0);
  });
});

describe("an Enterprise Grid organisation", () => {
  let slack: SlackServe;
  beforeAll(async () => {
    slack = await SlackServe.start({ enterpriseId: "E0CONTOSO" });
    slack.fake.addUser(PEOPLE.member).addUser({ ...PEOPLE.connect, enterpriseId: "E0FABRIKAM" });
  });
  afterAll(async () => {
    await slack.close();
  });

  it("takes requests from its other workspaces, and refuses another organisation's", async () => {
    const sibling = await slack.slash(
      "status alice@contoso.com",
      { userId: PEOPLE.member.id, teamId: "T0CONTOSOEU" },
      { more: { enterprise_id: "E0CONTOSO" } },
    );
    expect(sibling.status).toBe(200);
    expect(await slack.jobs()).toHaveLength(1);
    // User ids are unique across the organisation's workspaces: a link is keyed by the organisation,
    // so one sign-in links the person wherever in it they type.
    expect((await slack.jobs())[0]!.data.requester).toMatchObject({
      chatUserId: PEOPLE.member.id,
      teamId: "E0CONTOSO",
    });

    const other = await slack.slash(
      "status alice@contoso.com",
      { userId: PEOPLE.connect.id, teamId: "T0FABRIKAM" },
      { more: { enterprise_id: "E0FABRIKAM" } },
    );
    expect(other.status).toBe(200);
    expect(JSON.stringify(other.json ?? "") + slack.answersAt(other.responseUrl)).toMatch(
      /only serves the Slack workspace it is installed in/,
    );
    expect(await slack.jobs()).toHaveLength(1);
  });
});
