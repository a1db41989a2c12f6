import { Worker } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectRedis, QUEUE_NAME } from "../../src/queue/queues.js";
import {
  CHANNEL_ID,
  cardActionInvoke,
  channelMessage,
  HELPDESK,
  MANAGER,
  personalMessage,
} from "../adapters/teams/activities.js";
import { REDIS_URL, startTeamsHarness, type TeamsHarness } from "../adapters/teams/harness.js";
import { FakeBotConnector } from "../helpers/fake-bot-connector.js";
import { localNetworkOnly } from "../helpers/local-network.js";

/**
 * Finding 4 of issue 13: Teams commands were not de-duplicated — the same activity delivered
 * twice created two operations, while Slack's trigger_id has long de-duplicated Slack's. The
 * shared intake now keys a delivery by its activity id (and conversation), with the same window
 * and semantics as Slack's: typed commands, Action.Execute invokes and Action.Submit fallbacks.
 * Over real HTTP to POST /api/messages, the real botbuilder stack and BullMQ on Redis.
 */

let connector: FakeBotConnector;
let harness: TeamsHarness;

localNetworkOnly();

beforeAll(async () => {
  connector = await new FakeBotConnector().start();
  connector.addMember(HELPDESK).addMember(MANAGER);
  harness = await startTeamsHarness({ appId: "", appType: "MultiTenant" });
});

afterAll(async () => {
  await harness.close();
  await connector.close();
});

beforeEach(async () => {
  await harness.queue.queue.obliterate({ force: true });
});

/** All jobs, finished ones too, as the worker would have left them. */
async function everyJob() {
  return harness.queue.queue.getJobs(["waiting", "delayed", "prioritized", "active", "completed", "failed"]);
}

/** A worker handles every queued job (decision jobs are removed once completed, as in production). */
async function handleAll(): Promise<void> {
  const connection = connectRedis(REDIS_URL, { blocking: true });
  const worker = new Worker(QUEUE_NAME, async () => {}, { connection, prefix: harness.prefix });
  try {
    for (;;) {
      const counts = await harness.queue.queue.getJobCounts("waiting", "active", "prioritized");
      if (Object.values(counts).every((n) => n === 0)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await worker.close();
    connection.disconnect();
  }
}

const cardActivityId = "1700000000456";
const channelThread = { id: `${CHANNEL_ID};messageid=1700000000400`, conversationType: "channel" };

/** A new click on Approve: each is its own activity, with its own id. */
const approveClick = () =>
  cardActionInvoke(connector.serviceUrl, {
    verb: "mfa.approve",
    data: { approvalId: "k3m9p2xq" },
    clicker: MANAGER,
    conversation: channelThread,
    cardActivityId,
  });

describe("a Teams activity delivered twice", () => {
  it("queues a typed command once", async () => {
    const activity = personalMessage(connector.serviceUrl, "status alice@contoso.com");
    expect((await harness.post(activity)).status).toBe(200);
    expect((await harness.post(activity)).status).toBe(200);
    const jobs = await everyJob();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toMatchObject({ kind: "request", command: { verb: "status" } });
  });

  it("queues a channel command once, and still queues a second command typed again", async () => {
    const first = channelMessage(connector.serviceUrl, "status alice@contoso.com");
    await harness.post(first);
    await harness.post(first);
    await harness.post(channelMessage(connector.serviceUrl, "status alice@contoso.com"));
    expect(await everyJob()).toHaveLength(2);
  });

  it("keys the activity id by its conversation: the same id elsewhere is another delivery", async () => {
    const activity = personalMessage(connector.serviceUrl, "status alice@contoso.com");
    await harness.post(activity);
    await harness.post({
      ...activity,
      conversation: { ...(activity.conversation as object), id: "a:other-chat" },
    });
    expect(await everyJob()).toHaveLength(2);
  });

  it("queues an Action.Execute click once, even when redelivered after the first was handled", async () => {
    const click = approveClick();
    expect((await harness.post(click)).status).toBe(200);
    expect(await everyJob()).toHaveLength(1);
    await handleAll();
    expect((await harness.post(click)).status).toBe(200);
    expect(await everyJob()).toHaveLength(0);

    // Another click (a new activity) by the same person is heard: the worker answers it.
    await harness.post(approveClick());
    expect(await everyJob()).toHaveLength(1);
  });

  it("queues an Action.Submit fallback once, even when redelivered after the first was handled", async () => {
    const submit = {
      ...personalMessage(connector.serviceUrl, "", MANAGER),
      text: undefined,
      replyToId: cardActivityId,
      value: { verb: "mfa.reject", approvalId: "k3m9p2xq" },
    };
    await harness.post(submit);
    expect(await everyJob()).toHaveLength(1);
    await handleAll();
    await harness.post(submit);
    expect(await everyJob()).toHaveLength(0);
  });
});
