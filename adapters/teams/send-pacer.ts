import type { Redis } from "ioredis";
import { type Clock, realClock } from "../../src/delivery/clock.js";

/**
 * Teams allows a bot about 7 messages a second in one conversation and 30 a second per app in
 * a tenant. Every worker replica paces itself through Redis: each send reserves the next free
 * slot on its conversation's and its tenant's clocks (one atomic script, Redis's own time so
 * replicas' clocks do not matter) and waits until the later of the two.
 */
export interface SendPacer {
  wait(conversationKey: string, tenantKey: string | undefined): Promise<void>;
}

export const noPacing: SendPacer = { wait: async () => {} };

// KEYS: one clock per key. ARGV[i]: that clock's interval in microseconds.
// Returns how many microseconds to wait before sending.
const RESERVE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait = 0
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[i])
  local nextFree = tonumber(redis.call('GET', key) or '0')
  local at = math.max(now, nextFree)
  redis.call('SET', key, string.format('%.0f', at + interval), 'PX', math.ceil((at + interval - now) / 1000) + 1000)
  if at - now > wait then wait = at - now end
end
return string.format('%.0f', wait)
`;

export interface PacingRates {
  perConversationPerSecond: number;
  perTenantPerSecond: number;
}

export const TEAMS_RATES: PacingRates = { perConversationPerSecond: 7, perTenantPerSecond: 30 };

export class RedisSendPacer implements SendPacer {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly rates: PacingRates = TEAMS_RATES,
    private readonly clock: Pick<Clock, "sleep"> = realClock,
  ) {}

  /** Microseconds to wait for a slot; exposed for tests. */
  async reserve(conversationKey: string, tenantKey: string | undefined): Promise<number> {
    const keys = [`${this.keyPrefix}:teams:pace:conv:${conversationKey}`];
    const intervals = [Math.ceil(1_000_000 / this.rates.perConversationPerSecond)];
    if (tenantKey) {
      keys.push(`${this.keyPrefix}:teams:pace:tenant:${tenantKey}`);
      intervals.push(Math.ceil(1_000_000 / this.rates.perTenantPerSecond));
    }
    const waited = await this.redis.eval(RESERVE_SLOT, keys.length, ...keys, ...intervals.map(String));
    return Number(waited);
  }

  async wait(conversationKey: string, tenantKey: string | undefined): Promise<void> {
    const micros = await this.reserve(conversationKey, tenantKey);
    if (micros > 0) await this.clock.sleep(Math.ceil(micros / 1000));
  }
}
