import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSlackAdapter, type SlackAdapter } from "../../../adapters/slack/app.js";
import { HttpServer } from "../../../src/http/server.js";
import { silentLogger } from "../../../src/log.js";
import type { DecisionJob, RequestJob } from "../../../src/queue/jobs.js";
import { connectRedis, jobIdFor, RequestQueue } from "../../../src/queue/queues.js";
import { FakeSlack } from "../../helpers/fake-slack.js";
import { localNetworkOnly } from "../../helpers/local-network.js";
import {
  blockActionPayload,
  interactivityBody,
  newTriggerId,
  postSigned,
  slackSignature,
  slashCommandBody,
} from "../../helpers/slack-sign.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

let fake: FakeSlack;
let connection: Redis;
let queue: RequestQueue;
let server: HttpServer;
let adapter: SlackAdapter;
let url: string;

localNetworkOnly();

beforeAll(async () => {
  fake = await FakeSlack.start();
  fake
    .addUser({ id: "U0HELPDESK", name: "helpdesk", realName: "Hal Desk", email: "Helpdesk@Contoso.com" })
    .addUser({ id: "U0ALICE", name: "alice", realName: "Alice Adams", email: "alice@contoso.com" })
    .addUser({ id: "U0BOB", name: "bob", realName: "Bob Brown", email: "bob@contoso.com" })
    .addUser({ id: "U0MANAGER", name: "manager", realName: "Mia Manager", email: "manager@contoso.com" })
    .addUser({ id: "U0NOEMAIL", name: "noemail", realName: "No Email" })
    .addUser({ id: "U0ROBOT", name: "robot", isBot: true })
    .addUserGroup("S0TEAM", ["U0ALICE", "U0BOB", "U0ROBOT"]);
});

afterAll(async () => {
  await fake.close();
});

beforeEach(async () => {
  connection = connectRedis(REDIS_URL, { blocking: false });
  queue = new RequestQueue({ redisUrl: REDIS_URL, prefix: `test-slack-${randomUUID()}` }, connection);
  server = new HttpServer(silentLogger);
  adapter = createSlackAdapter({
    signingSecret: SIGNING_SECRET,
    botToken: fake.botToken,
    apiUrl: fake.apiUrl,
    queue,
    logger: silentLogger,
    server,
    retryConfig: { retries: 0 },
  });
  const port = await server.listen(0, "127.0.0.1");
  url = `http://127.0.0.1:${port}/slack/events`;
  fake.calls.length = 0;
  fake.responses.length = 0;
});

afterEach(async () => {
  await adapter.stop();
  await server.close();
  await queue.queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
});

async function slash(text: string, fields: Parameters<typeof slashCommandBody>[0] | object = {}) {
  const responseUrl = fake.responseUrl();
  const body = slashCommandBody({ text, responseUrl, ...fields });
  const res = await postSigned(url, SIGNING_SECRET, body);
  await adapter.drain();
  return { ...res, responseUrl, body };
}

async function jobs() {
  return queue.queue.getJobs(["waiting", "delayed", "active", "completed", "failed", "prioritized"]);
}

function ackText(json: unknown): string {
  return JSON.stringify(json);
}

describe("POST /slack/events: /mfa", () => {
  it("acks status at once and queues a request job with the requester's UPN from their Slack email", async () => {
    const triggerId = newTriggerId();
    const res = await slash("status alice@contoso.com", { triggerId });
    expect(res.status).toBe(200);
    // A quick command gets the cheapest ack there is: the answer follows through response_url.
    expect(res.text).toBe("");
    const queued = await jobs();
    expect(queued).toHaveLength(1);
    const job = queued[0]!;
    expect(job.id).toBe(jobIdFor("request", `slack-T0CONTOSO-${triggerId}`));
    const data = job.data as RequestJob;
    expect(data.kind).toBe("request");
    // The workspace comes along: with the user id it names the account a sign-in may have linked.
    expect(data.requester).toEqual({
      platform: "slack",
      chatUserId: "U0HELPDESK",
      upn: "helpdesk@contoso.com",
      teamId: "T0CONTOSO",
    });
    expect(data.command).toEqual({ verb: "status", target: { kind: "upn", upn: "alice@contoso.com" } });
    expect(data.replyTo).toEqual({
      platform: "slack",
      conversation: "C0HELPDESK",
      user: "U0HELPDESK",
      extra: { responseUrl: res.responseUrl, teamId: "T0CONTOSO" },
    });
    expect(fake.responses).toHaveLength(0);
  });

  it("resolves a mention to the mentioned user's email before queueing", async () => {
    await slash('enable <@U0ALICE|alice> --reason "new laptop"');
    const [job] = await jobs();
    expect((job!.data as RequestJob).command).toEqual({
      verb: "enable",
      target: { kind: "upn", upn: "alice@contoso.com", label: "@Alice Adams" },
      reason: "new laptop",
    });
  });

  it("expands a Slack user group, leaving out bots, and says at once that a slow command is under way", async () => {
    const res = await slash("bulk enable <!subteam^S0TEAM|@team> carol@contoso.com");
    expect(res.json).toMatchObject({
      response_type: "ephemeral",
      text: expect.stringContaining("Working on it"),
    });
    const [job] = await jobs();
    const command = (job!.data as RequestJob).command;
    expect(command.verb).toBe("bulk-enable");
    const upns =
      command.verb === "bulk-enable" ? command.targets.map((t) => (t.kind === "upn" ? t.upn : t.id)) : [];
    expect(upns.sort()).toEqual(["alice@contoso.com", "bob@contoso.com", "carol@contoso.com"]);
    expect(fake.callsTo("usergroups.users.list")[0]?.args.usergroup).toBe("S0TEAM");
  });

  it("answers a usage error in the ack itself, with no Slack API call and no job", async () => {
    const res = await slash("status");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ response_type: "ephemeral" });
    const text = ackText(res.json);
    expect(text).toContain("needs exactly one user");
    expect(text).toContain("Usage: `/mfa status &lt;user&gt;");
    expect(await jobs()).toHaveLength(0);
    expect(fake.calls).toHaveLength(0);
  });

  it("answers help in the ack", async () => {
    const res = await slash("help");
    const text = ackText(res.json);
    expect(text).toContain("Commands:");
    expect(text).toContain("bulk enable");
    expect(await jobs()).toHaveLength(0);
    expect(fake.calls).toHaveLength(0);
  });

  it("answers an unknown command with the list of commands", async () => {
    const res = await slash("frobnicate everyone");
    expect(ackText(res.json)).toContain("unknown command");
    expect(await jobs()).toHaveLength(0);
  });

  it("answers hostile text with a safe usage answer that cannot broadcast or mention", async () => {
    const mentions = Array.from({ length: 700 }, (_, i) => `<@U${String(i).padStart(6, "0")}|u${i}>`).join(
      " ",
    );
    expect(mentions.length).toBeGreaterThan(10_000);
    const hostile = [
      `<!channel> ${mentions}`,
      `status <!channel>`,
      `status <!here|here> <!everyone>`,
      `status ${mentions} 🙂 \u202eevil\u202c Ω`,
      `<https://evil.example|click me> <!subteam^S0TEAM>`,
      `status @channel`,
    ];
    for (const text of hostile) {
      const res = await slash(text);
      expect(res.status).toBe(200);
      const answer = ackText(res.json);
      expect(answer).toMatch(/ephemeral/);
      expect(answer).not.toMatch(/<[!@#]/);
      expect(answer).not.toContain("<https://evil");
      expect(answer).not.toContain("\u202e");
      expect(answer).not.toMatch(/(^|[^\u2060])@(channel|here|everyone)\b/);
    }
    expect(await jobs()).toHaveLength(0);
    expect(fake.calls).toHaveLength(0);
  });

  it("tells a requester whose email cannot be read which scope is missing, through response_url", async () => {
    const res = await slash("status alice@contoso.com", { userId: "U0NOEMAIL" });
    expect(res.status).toBe(200);
    expect(await jobs()).toHaveLength(0);
    const answers = fake.responsesTo(res.responseUrl);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.body).toMatchObject({ response_type: "ephemeral" });
    expect(JSON.stringify(answers[0]!.body)).toContain("users:read.email");
  });

  it("names the missing scope when the app was installed without users:read.email", async () => {
    fake.scopes.delete("users:read.email");
    try {
      const res = await slash("status alice@contoso.com");
      expect(await jobs()).toHaveLength(0);
      expect(JSON.stringify(fake.responsesTo(res.responseUrl)[0]?.body)).toContain("users:read.email");
    } finally {
      fake.scopes.add("users:read.email");
    }
  });

  it("answers through response_url when a mentioned user cannot be resolved", async () => {
    const res = await slash("status <@U0NOEMAIL|noemail>");
    expect(await jobs()).toHaveLength(0);
    const answer = JSON.stringify(fake.responsesTo(res.responseUrl)[0]?.body);
    expect(answer).toContain("No Email (U0NOEMAIL)");
    expect(answer).toContain("users:read.email");
  });

  it("queues a replayed command (same trigger_id) once", async () => {
    const body = slashCommandBody({ text: "status alice@contoso.com", responseUrl: fake.responseUrl() });
    await postSigned(url, SIGNING_SECRET, body);
    await postSigned(url, SIGNING_SECRET, body);
    await adapter.drain();
    expect(await jobs()).toHaveLength(1);
  });

  it("caches the requester's identity between commands", async () => {
    await slash("status alice@contoso.com");
    await slash("status bob@contoso.com");
    expect(fake.callsTo("users.info").filter((c) => c.args.user === "U0HELPDESK")).toHaveLength(1);
    expect(await jobs()).toHaveLength(2);
  });
});

describe("POST /slack/events: signature", () => {
  it("refuses a bad signature with 401 and queues nothing", async () => {
    const body = slashCommandBody({ text: "enable alice@contoso.com", responseUrl: fake.responseUrl() });
    const wrong = slackSignature("not-the-secret", Math.floor(Date.now() / 1000), body);
    const res = await postSigned(url, SIGNING_SECRET, body, { signature: wrong });
    await adapter.drain();
    expect(res.status).toBe(401);
    expect(await jobs()).toHaveLength(0);
    expect(fake.calls).toHaveLength(0);
  });

  it("refuses a correctly signed request whose timestamp is six minutes old", async () => {
    const body = slashCommandBody({ text: "enable alice@contoso.com", responseUrl: fake.responseUrl() });
    const res = await postSigned(url, SIGNING_SECRET, body, {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    await adapter.drain();
    expect(res.status).toBe(401);
    expect(await jobs()).toHaveLength(0);
  });

  it("refuses a body changed after signing", async () => {
    const body = slashCommandBody({ text: "status alice@contoso.com", responseUrl: fake.responseUrl() });
    const ts = Math.floor(Date.now() / 1000);
    const res = await postSigned(url, SIGNING_SECRET, body.replace("status", "enable"), {
      timestamp: ts,
      signature: slackSignature(SIGNING_SECRET, ts, body),
    });
    await adapter.drain();
    expect(res.status).toBe(401);
    expect(await jobs()).toHaveLength(0);
  });

  it("answers Slack's URL verification challenge", async () => {
    const body = JSON.stringify({ token: "x", challenge: "c-123", type: "url_verification" });
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": slackSignature(SIGNING_SECRET, ts, body),
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: "c-123" });
  });
});

describe("POST /slack/events: approval buttons", () => {
  async function click(
    actionId: string,
    value: string,
    userId = "U0MANAGER",
    responseUrl = fake.responseUrl(),
  ) {
    const payload = blockActionPayload({ actionId, value, userId, responseUrl });
    const res = await postSigned(url, SIGNING_SECRET, interactivityBody(payload));
    return { ...res, responseUrl };
  }

  it("acks a click and queues a decision job carrying only the approval id and the clicker", async () => {
    const res = await click("mfa_approve", "k3m9p2xq");
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
    await adapter.drain();
    const queued = await jobs();
    expect(queued).toHaveLength(1);
    const data = queued[0]!.data as DecisionJob;
    expect(data).toEqual({
      kind: "decision",
      requestId: expect.any(String),
      approvalId: "k3m9p2xq",
      decision: "approve",
      decider: {
        platform: "slack",
        chatUserId: "U0MANAGER",
        upn: "manager@contoso.com",
        teamId: "T0CONTOSO",
      },
      replyTo: {
        platform: "slack",
        conversation: "C0APPROVALS",
        user: "U0MANAGER",
        extra: { responseUrl: res.responseUrl, teamId: "T0CONTOSO" },
      },
    });
  });

  it("queues a double click once", async () => {
    await Promise.all([click("mfa_approve", "k3m9p2xq"), click("mfa_approve", "k3m9p2xq")]);
    await adapter.drain();
    expect(await jobs()).toHaveLength(1);
  });

  it("queues a reject and an approve by different people separately", async () => {
    await click("mfa_reject", "k3m9p2xq", "U0MANAGER");
    await click("mfa_approve", "k3m9p2xq", "U0HELPDESK");
    await adapter.drain();
    const decisions = (await jobs()).map((j) => (j.data as DecisionJob).decision).sort();
    expect(decisions).toEqual(["approve", "reject"]);
  });

  it("treats a typed /mfa approve and a click by the same person as one decision", async () => {
    const typed = await slash("approve K3M9P2XQ", { userId: "U0MANAGER", channelId: "C0APPROVALS" });
    expect(typed.text).toBe("");
    await click("mfa_approve", "k3m9p2xq");
    await adapter.drain();
    const queued = await jobs();
    expect(queued).toHaveLength(1);
    expect(queued[0]!.data).toMatchObject({ kind: "decision", approvalId: "k3m9p2xq", decision: "approve" });
  });

  it("does not trust a forged button value", async () => {
    const res = await click("mfa_approve", "<!channel> not-an-id");
    expect(res.status).toBe(200);
    await adapter.drain();
    expect(await jobs()).toHaveLength(0);
    const answer = JSON.stringify(fake.responsesTo(res.responseUrl)[0]?.body);
    expect(answer).toContain("not valid");
    expect(answer).not.toContain("<!channel>");
  });

  it("acks other buttons without queueing anything", async () => {
    const res = await click("some_link_button", "k3m9p2xq");
    expect(res.status).toBe(200);
    await adapter.drain();
    expect(await jobs()).toHaveLength(0);
  });

  it("refuses an unsigned click", async () => {
    const payload = blockActionPayload({
      actionId: "mfa_approve",
      value: "k3m9p2xq",
      userId: "U0MANAGER",
      responseUrl: fake.responseUrl(),
    });
    const res = await postSigned(url, SIGNING_SECRET, interactivityBody(payload), { signature: "v0=00" });
    await adapter.drain();
    expect(res.status).toBe(401);
    expect(await jobs()).toHaveLength(0);
  });
});

describe("createSlackAdapter", () => {
  it("needs the signing secret for HTTP", () => {
    expect(() =>
      createSlackAdapter({ botToken: "xoxb-1", apiUrl: fake.apiUrl, queue, logger: silentLogger, server }),
    ).toThrow(/SLACK_SIGNING_SECRET/);
  });

  it("uses Socket Mode instead of the HTTP route when an app token is given", async () => {
    const other = new HttpServer(silentLogger);
    const socket = createSlackAdapter({
      botToken: "xoxb-1",
      appToken: "xapp-1-A0-1-abc",
      apiUrl: fake.apiUrl,
      queue,
      logger: silentLogger,
      server: other,
    });
    expect(socket.mode).toBe("socket");
    expect(socket.requestListener).toBeUndefined();
    const port = await other.listen(0, "127.0.0.1");
    try {
      const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: "POST", body: "x" });
      expect(res.status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
