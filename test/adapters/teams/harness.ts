import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { createTeamsAdapter, mountTeams } from "../../../adapters/teams/adapter.js";
import { MfaTeamsBot } from "../../../adapters/teams/bot.js";
import { ConversationReferenceStore } from "../../../adapters/teams/conversation-refs.js";
import type { TeamsSettings } from "../../../adapters/teams/settings.js";
import { HttpServer } from "../../../src/http/server.js";
import { silentLogger } from "../../../src/log.js";
import { connectRedis, RequestQueue } from "../../../src/queue/queues.js";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** The real HTTP server with /api/messages mounted, the real queue on Redis under a unique prefix. */
export interface TeamsHarness {
  baseUrl: string;
  prefix: string;
  redis: Redis;
  queue: RequestQueue;
  references: ConversationReferenceStore;
  post(activity: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  jobs(): Promise<Array<{ id: string | undefined; data: Record<string, unknown> }>>;
  close(): Promise<void>;
}

/** A producer connection, once it is up (producers do not queue commands while connecting). */
export async function connectedRedis(): Promise<Redis> {
  const redis = connectRedis(REDIS_URL, { blocking: false });
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  return redis;
}

export async function startTeamsHarness(settings: TeamsSettings): Promise<TeamsHarness> {
  const prefix = `test-teams-${randomUUID()}`;
  const redis = await connectedRedis();
  const queueConnection = await connectedRedis();
  const queue = new RequestQueue({ redisUrl: REDIS_URL, prefix }, queueConnection);
  const references = new ConversationReferenceStore(redis, prefix);
  const adapter = createTeamsAdapter(settings, silentLogger);
  const bot = new MfaTeamsBot({ jobs: queue, references, logger: silentLogger });
  const server = new HttpServer(silentLogger);
  mountTeams(server, settings, { adapter, bot, logger: silentLogger });
  const port = await server.listen(0, "127.0.0.1");
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    baseUrl,
    prefix,
    redis,
    queue,
    references,
    async post(activity, headers = {}) {
      const res = await fetch(`${baseUrl}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async jobs() {
      const jobs = await queue.queue.getJobs(["waiting", "delayed", "prioritized", "active"]);
      return jobs.map((job) => ({ id: job.id, data: job.data as Record<string, unknown> }));
    },
    async close() {
      await server.close();
      await queue.queue.obliterate({ force: true });
      await queue.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await Promise.all([redis.quit(), queueConnection.quit()]);
    },
  };
}

/** Activities the bot sent, as the cards' plain-text fallback (what a person would read). */
export function cardTexts(activities: Array<{ activity: Record<string, unknown> }>): string[] {
  return activities.map(({ activity }) => {
    const attachments =
      (activity.attachments as Array<{ content?: { fallbackText?: string } }> | undefined) ?? [];
    return attachments.map((a) => a.content?.fallbackText ?? "").join("\n") || String(activity.text ?? "");
  });
}
