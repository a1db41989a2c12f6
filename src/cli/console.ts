import { runConsoleSession } from "../../adapters/console/session.js";
import { loadConfig } from "../config/env.js";
import { loadPolicy } from "../config/policy.js";
import { connectRedis, RequestQueue } from "../queue/queues.js";
import { statePrefix } from "../run/worker-runtime.js";
import { redisAnswers } from "./local-redis.js";

export function actorFrom(args: readonly string[]): string | undefined {
  const i = args.indexOf("--as");
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith("--as="))?.slice("--as=".length);
}

/** `mfa-bot console [--as <upn>]`: commands on stdin, through the queue to whichever worker runs. */
export async function runConsole(args: readonly string[]): Promise<number> {
  const config = loadConfig("console");
  if (config.policy.required) await loadPolicy(config.policy.path);
  const actor = actorFrom(args) ?? process.env.MFA_BOT_CONSOLE_AS;
  if (actor !== undefined && !/^[^\s@]+@[^\s@]+$/.test(actor)) {
    process.stderr.write(
      `mfa-bot console: --as needs a UPN (e.g. --as admin@contoso.com), not "${actor.slice(0, 60)}"\n`,
    );
    return 2;
  }
  if (!(await redisAnswers(config.redis.url))) {
    process.stderr.write(`mfa-bot console: no Redis answers at ${config.redis.url} (REDIS_URL)\n`);
    return 1;
  }
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
