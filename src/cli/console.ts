import { runConsoleSession } from "../../adapters/console/session.js";
import { loadConfig } from "../config/env.js";
import { loadPolicy } from "../config/policy.js";
import { isUpn } from "../core/ids.js";
import { connectRedis, RequestQueue } from "../queue/queues.js";
import { statePrefix } from "../run/worker-runtime.js";
import { requireRedis } from "./require-redis.js";

/** `mfa-bot console [--as <upn>]`: commands on stdin, through the queue to whichever worker runs. */
export async function runConsole(as: string | undefined): Promise<number> {
  const config = loadConfig("console");
  if (config.policy.required) await loadPolicy(config.policy.path);
  const actor = as ?? process.env.MFA_BOT_CONSOLE_AS;
  if (actor !== undefined && !isUpn(actor)) {
    process.stderr.write(`mfa-bot console: MFA_BOT_CONSOLE_AS needs a UPN, not "${actor.slice(0, 60)}"\n`);
    return 2;
  }
  if (!(await requireRedis("console", config.redis))) return 1;
  const queue = new RequestQueue({ redisUrl: config.redis.url, prefix: config.queue.prefix });
  const reader = connectRedis(config.redis.url, { blocking: true });
  try {
    return await runConsoleSession({
      queue,
      reader,
      prefix: statePrefix(config.queue.prefix),
      actor,
      input: process.stdin,
      output: process.stdout,
      interactive: Boolean(process.stdin.isTTY),
    });
  } finally {
    await queue.close();
    reader.disconnect();
  }
}
