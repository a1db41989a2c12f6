import { describe, expect, it } from "vitest";
import { freePort } from "../../src/cli/local-redis.js";
import { probeRedis, redisSettingsWarnings, waitForRedis } from "../../src/queue/redis-health.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function withDb(url: string, db: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${db}`;
  return parsed.toString();
}

describe("Redis at start-up", () => {
  it("a database index the server does not have is a configuration error, not a healthy connection", async () => {
    const probe = await probeRedis(withDb(REDIS_URL, 9999));
    expect(probe).toMatchObject({ ok: false, retryable: false });
    const waited = await waitForRedis(withDb(REDIS_URL, 9999), { deadlineMs: 60_000 });
    // Refused at once, however long the deadline: waiting cannot fix it.
    expect(waited).toMatchObject({ ok: false, line: expect.stringMatching(/refused.*DB index/) });
  });

  it("nothing listening: retried until the deadline, then one line naming REDIS_URL", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    expect(await probeRedis(url, 500)).toMatchObject({ ok: false, retryable: true });
    const waited = await waitForRedis(url, { deadlineMs: 600, intervalMs: 100 });
    expect(waited).toMatchObject({
      ok: false,
      line: expect.stringMatching(/^no Redis answers at .*REDIS_URL/),
    });
  });

  it("a Redis that answers passes", async () => {
    expect(await waitForRedis(REDIS_URL, { deadlineMs: 2_000 })).toEqual({ ok: true });
  });
});

describe("Redis settings that keep acknowledged work", () => {
  const settings = (values: Record<string, string>) => ({
    call: async (_cmd: string, _sub: string, name: string) => [name, values[name] ?? ""],
  });

  it("each setting that differs is named", async () => {
    const warnings = await redisSettingsWarnings(
      settings({ appendonly: "no", appendfsync: "everysec", "maxmemory-policy": "allkeys-lru" }) as never,
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/appendonly is no, not yes/);
    expect(warnings[1]).toMatch(/maxmemory-policy is allkeys-lru, not noeviction/);
  });

  it("the settings asked for (or a stricter fsync) give no warning", async () => {
    expect(
      await redisSettingsWarnings(
        settings({ appendonly: "yes", appendfsync: "always", "maxmemory-policy": "noeviction" }) as never,
      ),
    ).toEqual([]);
  });

  it("CONFIG refused (managed Redis): one warning listing what to make sure of", async () => {
    const refusing = {
      call: async () => {
        throw new Error("ERR unknown command 'CONFIG'");
      },
    };
    const warnings = await redisSettingsWarnings(refusing as never);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /could not read Redis settings.*appendonly yes.*appendfsync everysec.*noeviction/,
    );
  });

  it("a CONFIG that never answers is given up on", async () => {
    const hanging = { call: () => new Promise(() => {}) };
    const warnings = await redisSettingsWarnings(hanging as never, 50);
    expect(warnings[0]).toMatch(/did not answer within 50 ms/);
  });
});
