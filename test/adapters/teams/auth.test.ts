import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeBotConnector } from "../../helpers/fake-bot-connector.js";
import { localNetworkOnly } from "../../helpers/local-network.js";
import { ALICE, HELPDESK, personalConversationId, personalMessage } from "./activities.js";
import {
  interceptBotFrameworkMetadata,
  interceptBotTokenEndpoint,
  newSigningKey,
  type SigningKey,
  signToken,
} from "./bot-framework-token.js";
import { startTeamsHarness, type TeamsHarness } from "./harness.js";

const APP_ID = "5f0c6d1e-7a2b-4c3d-9e8f-0a1b2c3d4e5f";
const OUTBOUND_TOKEN = "outbound-token-for-the-connector";

let connector: FakeBotConnector;
let harness: TeamsHarness;
let key: SigningKey;

localNetworkOnly();

beforeAll(async () => {
  key = newSigningKey("test-signing-key");
  interceptBotFrameworkMetadata([key]);
  interceptBotTokenEndpoint(OUTBOUND_TOKEN);
  connector = await new FakeBotConnector().start();
  connector.addMember(HELPDESK).addMember(ALICE);
  harness = await startTeamsHarness({
    appId: APP_ID,
    appPassword: "not-a-real-secret",
    appType: "MultiTenant",
  });
});

afterAll(async () => {
  await harness.close();
  await connector.close();
  nock.cleanAll();
});

beforeEach(async () => {
  await harness.queue.queue.drain(true);
  connector.requests.length = 0;
  connector.activities.length = 0;
});

function status() {
  return personalMessage(connector.serviceUrl, "status alice@contoso.com");
}

async function expectNothingDone(): Promise<void> {
  expect(await harness.jobs()).toHaveLength(0);
  expect(connector.requests).toHaveLength(0);
  expect(await harness.references.forConversation(personalConversationId(HELPDESK))).toBeNull();
}

describe("with MicrosoftAppId set", () => {
  it("refuses an unsigned request with 401 and does nothing", async () => {
    const res = await harness.post(status());
    expect(res.status).toBe(401);
    await expectNothingDone();
  });

  it("refuses a token signed by a key the Bot Framework does not publish", async () => {
    const stranger = newSigningKey("test-signing-key");
    const token = signToken(stranger, { aud: APP_ID, serviceurl: connector.serviceUrl });
    expect((await harness.post(status(), { authorization: `Bearer ${token}` })).status).toBe(401);
    await expectNothingDone();
  });

  it("refuses a token for another bot", async () => {
    const token = signToken(key, {
      aud: "99999999-9999-4999-8999-999999999999",
      serviceurl: connector.serviceUrl,
    });
    expect((await harness.post(status(), { authorization: `Bearer ${token}` })).status).toBe(401);
    await expectNothingDone();
  });

  it("refuses a token issued for another service URL", async () => {
    const token = signToken(key, { aud: APP_ID, serviceurl: "https://smba.example.invalid/" });
    expect((await harness.post(status(), { authorization: `Bearer ${token}` })).status).toBe(401);
    await expectNothingDone();
  });

  it("refuses an expired token", async () => {
    const past = Math.floor(Date.now() / 1000) - 7200;
    const token = signToken(key, {
      aud: APP_ID,
      serviceurl: connector.serviceUrl,
      nbf: past,
      iat: past,
      exp: past + 600,
    });
    expect((await harness.post(status(), { authorization: `Bearer ${token}` })).status).toBe(401);
    await expectNothingDone();
  });

  it("accepts a correctly signed request, and calls the connector with its own token", async () => {
    const token = signToken(key, { aud: APP_ID, serviceurl: connector.serviceUrl });
    const res = await harness.post(status(), { authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);

    const jobs = await harness.jobs();
    expect(jobs.map((j) => j.data)).toMatchObject([
      { kind: "request", requester: { upn: "helpdesk@contoso.com" }, command: { verb: "status" } },
    ]);
    const lookups = connector.memberLookups();
    expect(lookups).toHaveLength(1);
    expect(lookups[0]!.authorization).toBe(`Bearer ${OUTBOUND_TOKEN}`);
  });
});
