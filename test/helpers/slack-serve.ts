import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { DECISION_ACTION_IDS } from "../../adapters/slack/action-ids.js";
import { createSlackAdapter, SLACK_EVENTS_PATH, type SlackAdapter } from "../../adapters/slack/app.js";
import { HttpServer } from "../../src/http/server.js";
import { silentLogger } from "../../src/log.js";
import { connectRedis, RequestQueue } from "../../src/queue/queues.js";
import { FakeSlack, type FakeSlackOptions } from "./fake-slack.js";
import { blockActionPayload, interactivityBody, postSigned, slashCommandBody } from "./slack-sign.js";
import { REDIS_URL } from "./worker-harness.js";

export const SIGNING_SECRET = "sec-8f742231b10e8888abcd99yyyzzz85a5";

/**
 * `POST /slack/events` as `mfa-bot serve` mounts it — the real Bolt receiver on the shared
 * server, the real queue on Redis under a fresh prefix — with the Slack Web API faked over HTTP.
 * For tests that send signed requests and look at what was queued and answered.
 */
export class SlackServe {
  private constructor(
    readonly fake: FakeSlack,
    readonly server: HttpServer,
    readonly adapter: SlackAdapter,
    readonly queue: RequestQueue,
    private readonly connection: Redis,
    readonly url: string,
  ) {}

  static async start(options: FakeSlackOptions = {}): Promise<SlackServe> {
    const fake = await FakeSlack.start(options);
    const connection = connectRedis(REDIS_URL, { blocking: false });
    const queue = new RequestQueue({ redisUrl: REDIS_URL, prefix: `test-slack-${randomUUID()}` }, connection);
    const server = new HttpServer(silentLogger);
    const adapter = createSlackAdapter({
      signingSecret: SIGNING_SECRET,
      botToken: fake.botToken,
      apiUrl: fake.apiUrl,
      queue,
      logger: silentLogger,
      server,
      retryConfig: { retries: 0 },
    });
    const port = await server.listen(0, "127.0.0.1");
    return new SlackServe(
      fake,
      server,
      adapter,
      queue,
      connection,
      `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`,
    );
  }

  /** `/mfa <text>`, signed as Slack signs it; waits until the adapter has done what it acknowledged. */
  async slash(
    text: string,
    fields: Partial<Parameters<typeof slashCommandBody>[0]> = {},
    options: { timestamp?: number; more?: Record<string, string> } = {},
  ) {
    const responseUrl = fields.responseUrl ?? this.fake.responseUrl();
    const more = new URLSearchParams(options.more ?? {}).toString();
    const body = `${slashCommandBody({ text, ...fields, responseUrl })}${more ? `&${more}` : ""}`;
    const { timestamp } = options;
    const res = await postSigned(
      this.url,
      SIGNING_SECRET,
      body,
      timestamp === undefined ? {} : { timestamp },
    );
    await this.adapter.drain();
    return { ...res, responseUrl };
  }

  /** An Approve click, signed; `edit` changes the payload as a hostile sender would. */
  async click(
    fields: Partial<Parameters<typeof blockActionPayload>[0]>,
    edit: (payload: Record<string, unknown>) => void = () => {},
  ) {
    const responseUrl = fields.responseUrl ?? this.fake.responseUrl();
    const payload = blockActionPayload({
      actionId: DECISION_ACTION_IDS.approve,
      value: "k3m9p2xq",
      userId: "U0MANAGER",
      ...fields,
      responseUrl,
    });
    edit(payload);
    const res = await postSigned(this.url, SIGNING_SECRET, interactivityBody(payload));
    await this.adapter.drain();
    return { ...res, responseUrl };
  }

  async jobs() {
    return this.queue.queue.getJobs(["waiting", "delayed", "active", "completed", "failed", "prioritized"]);
  }

  /** Everything posted to `responseUrl` as text, for matching what the person read. */
  answersAt(responseUrl: string): string {
    return this.fake
      .responsesTo(responseUrl)
      .map((r) => JSON.stringify(r.body))
      .join("\n");
  }

  async close(): Promise<void> {
    await this.adapter.stop();
    await this.server.close();
    await this.queue.queue.obliterate({ force: true });
    await this.queue.close();
    this.connection.disconnect();
    await this.fake.close();
  }
}
