import { afterEach, describe, expect, it } from "vitest";
import { type SandboxHandle, startSandbox } from "../../src/sandbox/index.js";

async function outage(sandbox: SandboxHandle, body: unknown): Promise<Response> {
  return fetch(`${sandbox.url}/_sandbox/outage`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function token(sandbox: SandboxHandle): Promise<string> {
  const answer = await fetch(`${sandbox.url}/sandbox/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: "sandbox",
      client_secret: "sandbox",
      scope: `${sandbox.url}/.default`,
    }),
  });
  return ((await answer.json()) as { access_token: string }).access_token;
}

describe("sandbox Graph outages on demand", () => {
  let sandbox: SandboxHandle | undefined;
  afterEach(async () => {
    await sandbox?.close();
  });

  it("unavailable: Graph answers 503 serviceNotAvailable for the outage, then answers again", async () => {
    sandbox = await startSandbox({});
    const bearer = { authorization: `Bearer ${await token(sandbox)}` };
    expect((await outage(sandbox, { mode: "unavailable", seconds: 0.5 })).status).toBe(200);
    const down = await fetch(`${sandbox.url}/v1.0/users`, { headers: bearer });
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ error: { code: "serviceNotAvailable" } });
    await new Promise((r) => setTimeout(r, 700));
    expect((await fetch(`${sandbox.url}/v1.0/users`, { headers: bearer })).status).toBe(200);
  });

  it("refused: connections are refused during the outage, on the same port after it", async () => {
    sandbox = await startSandbox({});
    const bearer = { authorization: `Bearer ${await token(sandbox)}` };
    await outage(sandbox, { mode: "refused", seconds: 0.5 });
    await new Promise((r) => setTimeout(r, 50));
    await expect(fetch(`${sandbox.url}/v1.0/users`, { headers: bearer })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 700));
    expect((await fetch(`${sandbox.url}/v1.0/users`, { headers: bearer })).status).toBe(200);
  });

  it("timeout: a Graph request gets no answer while the outage lasts", async () => {
    sandbox = await startSandbox({});
    const bearer = { authorization: `Bearer ${await token(sandbox)}` };
    await outage(sandbox, { mode: "timeout", seconds: 5 });
    await expect(
      fetch(`${sandbox.url}/v1.0/users`, { headers: bearer, signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow(/aborted|timeout/i);
  });

  it("a body it does not understand is refused with what it takes", async () => {
    sandbox = await startSandbox({});
    const answer = await outage(sandbox, { mode: "flood", seconds: 1 });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toMatch(/unavailable, timeout, refused/);
  });
});
