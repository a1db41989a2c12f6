import { randomUUID } from "node:crypto";
import { ConsoleNotifier } from "../../adapters/console/notifier.js";
import { runConsoleSession } from "../../adapters/console/session.js";
import { loadConfig } from "../config/env.js";
import { redactUrls } from "../config/redact-url.js";
import { createGraphDirectory } from "../directory/graph/index.js";
import { HttpServer } from "../http/server.js";
import { createLogger } from "../log.js";
import { connectRedis, RequestQueue } from "../queue/queues.js";
import { startWorkerRuntime, statePrefix } from "../run/worker-runtime.js";
import { SANDBOX_ACCOUNTS, SANDBOX_GROUPS, SANDBOX_SAMPLE_USERS } from "../sandbox/default-seed.js";
import { startSandbox } from "../sandbox/index.js";
import { signInStartUrl } from "../signin/routes.js";
import { SignInStore } from "../signin/sign-in-store.js";
import { mountSignInRoutes } from "../signin/wiring.js";
import { ThrottleRelay } from "../worker/throttle-relay.js";
import { demoPolicy } from "./demo-policy.js";
import { SANDBOX_LINES_HELP, sandboxLines } from "./demo-sandbox.js";
import { findOnPath, type PrivateRedis, redisAnswers, startPrivateRedis } from "./local-redis.js";

/**
 * `mfa-bot demo`: the sandbox tenant, a worker and the console in one process, against
 * the local Redis (or a private redis-server when none answers). Nothing leaves the machine.
 */
export async function runDemo(as: string | undefined): Promise<number> {
  const config = loadConfig("demo");
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? "warn", name: "mfa-bot-demo" });
  let redisUrl = config.redis.url;
  let privateRedis: PrivateRedis | undefined;
  if (!(await redisAnswers(redisUrl))) {
    const binary = findOnPath("redis-server");
    if (!binary) {
      process.stderr.write(
        `mfa-bot demo: no Redis answers at ${redactUrls(redisUrl)} and no redis-server is installed — install one (apt-get install redis-server, brew install redis) or set REDIS_URL.\n`,
      );
      return 1;
    }
    privateRedis = await startPrivateRedis(binary);
    redisUrl = privateRedis.url;
  }
  // Its own prefix, so that the demo never mixes with a real deployment on the same Redis.
  const prefix = `${config.queue.prefix}-demo`;
  const sandbox = await startSandbox({});
  const throttle = new ThrottleRelay();
  const directory = createGraphDirectory({
    graphBaseUrl: sandbox.url,
    authorityHost: sandbox.url,
    tenantId: "sandbox",
    clientId: "sandbox",
    clientSecret: "sandbox",
    logger,
    onThrottle: throttle.onThrottle,
  });
  // The sign-in half of `serve` (/auth/start, /auth/callback), with the sandbox as the authority.
  const queue = new RequestQueue({ redisUrl, prefix });
  const state = connectRedis(redisUrl, { blocking: false });
  const server = new HttpServer(logger);
  const publicUrl = `http://127.0.0.1:${await server.listen(0, "127.0.0.1")}`;
  mountSignInRoutes(server, {
    publicUrl,
    authorityHost: sandbox.url,
    tenant: "sandbox",
    credential: { clientId: "sandbox", clientSecret: "sandbox" },
    redis: state,
    statePrefix: statePrefix(prefix),
    jobs: queue,
    logger,
  });
  const runtime = startWorkerRuntime({
    redisUrl,
    prefix,
    concurrency: config.queue.workerConcurrency,
    directory,
    policy: demoPolicy(),
    logger,
    throttle,
    settings: { publicUrl },
    notifiers: (state, p) => ({ console: new ConsoleNotifier(state, p) }),
  });
  const reader = connectRedis(redisUrl, { blocking: true });
  const signIns = new SignInStore(state, statePrefix(prefix));
  const actor = as ?? SANDBOX_ACCOUNTS.admin.userPrincipalName;
  process.stdout.write(welcome(sandbox.url, redisUrl, privateRedis !== undefined, actor));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await runtime.close();
      await server.close();
      await queue.close();
      state.disconnect();
      reader.disconnect();
      await sandbox.close();
      privateRedis?.stop();
    })();
    return stopping;
  };
  process.once("SIGINT", () => {
    process.stdout.write("\nstopping the demo…\n");
    void stop().then(() => process.exit(0));
  });
  try {
    return await runConsoleSession({
      queue,
      reader,
      prefix: statePrefix(prefix),
      actor,
      input: process.stdin,
      output: process.stdout,
      interactive: Boolean(process.stdin.isTTY),
      local: sandboxLines(sandbox.url, () => sandbox.tenant.conditionalAccessPolicies, {
        account: `Slack user ${DEMO_SLACK_ACCOUNT.userId}`,
        startLink: async () =>
          signInStartUrl(
            publicUrl,
            await signIns.issueTicket({
              account: DEMO_SLACK_ACCOUNT,
              // No Slack here: the "linked as …" message lands in a console mailbox nobody reads.
              replyTo: {
                platform: "console",
                conversation: "demo-sign-in",
                user: DEMO_SLACK_ACCOUNT.userId,
                extra: {},
              },
              requestId: randomUUID(),
            }),
          ),
      }),
    });
  } finally {
    await stop();
  }
}

/** The Slack account `sandbox link` links: the demo has no Slack, so it stands in for one. */
const DEMO_SLACK_ACCOUNT = { platform: "slack", teamId: "T0DEMO", userId: "U0DEMO" } as const;

function welcome(sandboxUrl: string, redisUrl: string, privateRedis: boolean, actor: string): string {
  const u = SANDBOX_SAMPLE_USERS;
  return `
mfa-bot demo — a local sandbox tenant (${sandboxUrl}), a worker and this console.
Redis: ${redactUrls(redisUrl)}${privateRedis ? " (a private redis-server, stopped on exit)" : ""}. Acting as ${actor}.

Try:
  status ${u.enabledUnregistered.userPrincipalName}
  enable ${u.disabledUnregistered.userPrincipalName}
  bulk enable group:${SANDBOX_GROUPS.finance.id} --reason "finance rollout"
  as ${SANDBOX_ACCOUNTS.manager.userPrincipalName}
  approve <id from the approval card>
  as ${SANDBOX_ACCOUNTS.admin.userPrincipalName}
  audit ${u.disabledUnregistered.userPrincipalName}
  sandbox sign-in ${u.disabledUnregistered.userPrincipalName}
  status ${u.disabledUnregistered.userPrincipalName}
  remind ${u.disabledUnregistered.userPrincipalName}
  convert plan
  sandbox security-defaults on
  convert plan
  sandbox link ${SANDBOX_ACCOUNTS.manager.userPrincipalName}
  links
  help
What happens outside the bot (a user signing in, an admin in the Entra admin center):
${SANDBOX_LINES_HELP.map((l) => `  ${l}`).join("\n")}
Ctrl-C or "quit" ends the demo.

`;
}
