import { randomUUID } from "node:crypto";
import { connectRedis } from "../../src/queue/queues.js";

/** A BullMQ prefix of the test's own (tests share one Redis), and removal of all it left there. */
export function testPrefix(name: string): string {
  return `test-${name}-${randomUUID().slice(0, 8)}`;
}

export async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = connectRedis(redisUrl, { blocking: false });
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
