import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRedis, RequestQueue } from "../../src/queue/queues.js";
import { SANDBOX_ACCOUNTS, SANDBOX_SAMPLE_USERS } from "../../src/sandbox/default-seed.js";
import { type SandboxHandle, startSandbox } from "../../src/sandbox/index.js";
import { pageText, SignInBrowser } from "../../src/sandbox/sign-in-browser.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { postSigned, slashCommandBody } from "../helpers/slack-sign.js";
import { REDIS_URL } from "../helpers/worker-harness.js";
import { collect, type Finished, spawnCli, until } from "./run-cli.js";

// `mfa-bot serve` and `mfa-bot worker` as separate processes, as deployed: serve takes signed
// Slack requests on PORT and queues them, the worker answers through Graph (the sandbox tenant)
// and the Slack Web API / response_url (a local fake). They meet only in Redis. Serve also answers
// the sign-in that links a Slack account to Entra (MFA_BOT_PUBLIC_URL), with the sandbox as Entra.

const SIGNING_SECRET = "cli-e2e-6c0a9d4e1b7f3a2c5d8e0f1a2b3c4d5e";
const ADMIN = { id: "U0ADMIN", name: "admin", email: SANDBOX_ACCOUNTS.admin.userPrincipalName };
const HELPDESK = { id: "U0HELPDESK", name: "helpdesk", email: SANDBOX_ACCOUNTS.helpdesk.userPrincipalName };
const ALEX = {
  id: "U0ALEX",
  name: "alexw",
  realName: "Alex Wilber",
  email: SANDBOX_SAMPLE_USERS.disabledUnregistered.userPrincipalName,
};

interface Running {
  child: ChildProcess;
  run: ReturnType<typeof collect>;
}

const prefix = `test-${randomUUID().slice(0, 8)}`;
let sandbox: SandboxHandle;
let fake: FakeSlack;
let dir: string;
const started: Running[] = [];

beforeAll(async () => {
  // The processes' own network use is theirs; this file's requests stay on the machine.
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  sandbox = await startSandbox({});
  fake = await FakeSlack.start();
  fake.addUser(ADMIN).addUser(HELPDESK).addUser(ALEX);
  dir = mkdtempSync(join(tmpdir(), "mfa-bot-slack-"));
});

afterAll(async () => {
  for (const { child } of started)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  const redis = connectRedis(REDIS_URL, { blocking: false });
  const queue = new RequestQueue({ redisUrl: REDIS_URL, prefix }, redis);
  await queue.queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await fake?.close();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  nock.enableNetConnect();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function start(command: "serve" | "worker", env: Record<string, string>): Running {
  const child = spawnCli([command], env);
  const running = { child, run: collect(child) };
  started.push(running);
  return running;
}

/** SIGTERM, then what the process did; one that has not exited after `graceMs` is killed and fails. */
async function stop({ child, run }: Running, graceMs = 10_000): Promise<Finished> {
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, graceMs);
  });
  await Promise.race([run.done, killed]);
  clearTimeout(timer);
  return run.done;
}

/** Fails with what the process said, so a start-up problem is readable in the test output. */
function explain(name: string, running: Running) {
  return (err: Error): never => {
    throw new Error(
      `${name}: ${err.message}\nstderr: ${running.run.stderr()}\nstdout: ${running.run.stdout()}`,
    );
  };
}

describe("mfa-bot serve + mfa-bot worker with Slack", () => {
  it("answers signed /mfa commands through the queue, the sandbox tenant and the Slack API, then exits 0 on SIGTERM", async () => {
    const policy = join(dir, "policy.json");
    // Admins act from Slack only once linked to Entra (issue 16); the helpdesk as before.
    writeFileSync(
      policy,
      JSON.stringify({
        roles: { helpdesk: [HELPDESK.email], admin: [ADMIN.email] },
        requireLinkedIdentity: ["admin"],
      }),
    );
    const port = await freePort();
    const env = {
      REDIS_URL,
      MFA_BOT_QUEUE_PREFIX: prefix,
      MFA_BOT_POLICY: policy,
      PORT: String(port),
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_API_URL: fake.apiUrl,
      GRAPH_BASE_URL: sandbox.url,
      AZURE_AUTHORITY_HOST: sandbox.url,
      AZURE_TENANT_ID: "sandbox",
      AZURE_CLIENT_ID: "sandbox",
      AZURE_CLIENT_SECRET: "sandbox",
      MFA_BOT_PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: "info",
    };
    const serve = start("serve", env);
    const worker = start("worker", env);
    const base = `http://127.0.0.1:${port}`;
    await until(() => serve.run.stderr().includes('"listening"'), 15_000, "serve to listen").catch(
      explain("serve", serve),
    );
    await until(() => worker.run.stderr().includes("worker started"), 15_000, "the worker to start").catch(
      explain("worker", worker),
    );

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });

    // /mfa status, by mention, from the helpdesk.
    const statusUrl = fake.responseUrl();
    const status = await postSigned(
      `${base}/slack/events`,
      SIGNING_SECRET,
      slashCommandBody({
        text: `status <@${ALEX.id}|alexw>`,
        responseUrl: statusUrl,
        userId: HELPDESK.id,
        userName: HELPDESK.name,
      }),
    );
    expect(status.status).toBe(200);
    const statusAnswer = (await fake.waitFor(() => fake.responsesTo(statusUrl)[0], 15_000)).body;
    expect(statusAnswer).toMatchObject({
      response_type: "ephemeral",
      text: "Alex Wilber (alexw@contoso.com): ⚪ Disabled",
    });
    expect(JSON.stringify(statusAnswer.blocks)).toContain("*Registered for MFA*\\n❌ No");

    // The admin's first /mfa enable is refused: their Slack account is not linked yet. The private
    // answer holds a one-time link to serve's /auth/start, and signing in with it links them.
    expect(serve.run.stderr()).toContain(`"signIn":"${base}/auth/callback"`);
    const refusedUrl = fake.responseUrl();
    await postSigned(
      `${base}/slack/events`,
      SIGNING_SECRET,
      slashCommandBody({
        text: "enable alexw@contoso.com",
        responseUrl: refusedUrl,
        userId: ADMIN.id,
        userName: ADMIN.name,
      }),
    );
    const refused = JSON.stringify((await fake.waitFor(() => fake.responsesTo(refusedUrl)[0], 15_000)).body);
    expect(refused).toContain("your Slack account is not linked to Microsoft Entra. Nothing was done.");
    const link = new RegExp(`${base}/auth/start\\?ticket=[A-Za-z0-9_-]+`).exec(refused)?.[0];
    expect(link).toBeDefined();
    expect(sandbox.tenant.user(ALEX.email)?.perUserMfaState).toBe("disabled");
    const walk = await new SignInBrowser().signIn(link!, ADMIN.email);
    expect(pageText(walk.page.text)).toContain(
      `Slack user ${ADMIN.id} (workspace ${fake.teamId}) is now linked to ${ADMIN.email}`,
    );
    const linkedDm = await fake.waitFor(
      () => fake.callsTo("chat.postMessage").find((c) => c.args.channel === `D${ADMIN.id.slice(1)}`),
      15_000,
    );
    expect(String(linkedDm.args.text)).toContain(`Linked: your Slack account now acts as`);

    // /mfa enable, from the admin: the sandbox changes and the answer says what Graph reports.
    const enableUrl = fake.responseUrl();
    const enable = await postSigned(
      `${base}/slack/events`,
      SIGNING_SECRET,
      slashCommandBody({
        text: "enable alexw@contoso.com",
        responseUrl: enableUrl,
        userId: ADMIN.id,
        userName: ADMIN.name,
      }),
    );
    expect(enable.status).toBe(200);
    const enableAnswer = (await fake.waitFor(() => fake.responsesTo(enableUrl)[0], 15_000)).body;
    expect(enableAnswer).toMatchObject({
      response_type: "ephemeral",
      text: "Enable MFA: alexw@contoso.com is now 🟡 Enabled — waiting for registration",
    });
    expect(sandbox.tenant.user(ALEX.email)?.perUserMfaState).toBe("enabled");
    // The user is told to register, in a DM found by their email.
    const dm = await fake.waitFor(
      () => fake.callsTo("chat.postMessage").find((c) => c.args.channel === `D${ALEX.id.slice(1)}`),
      15_000,
    );
    expect(String(dm.args.text)).toContain("https://aka.ms/mfasetup");
    // Every Web API call carried the bot token from SLACK_BOT_TOKEN.
    expect(fake.calls.every((c) => c.token === fake.botToken)).toBe(true);

    const [served, worked] = await Promise.all([stop(serve), stop(worker)]);
    // Each drains and exits by itself, with 0: nothing left open keeps it alive.
    expect({ serve: served.code, signal: served.signal }).toEqual({ serve: 0, signal: null });
    expect({ worker: worked.code, signal: worked.signal }).toEqual({ worker: 0, signal: null });
    for (const finished of [served, worked]) {
      expect(finished.stderr).not.toContain(SIGNING_SECRET);
      expect(finished.stderr).not.toContain(fake.botToken);
    }
  });
});
