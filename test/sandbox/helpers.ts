import nock from "nock";
import { afterAll, afterEach, beforeAll } from "vitest";
import { type SandboxHandle, type SandboxOptions, startSandbox } from "../../src/sandbox/index.js";

/** Starts sandboxes on port 0 for a test file and closes them after each test. */
export function useSandboxes() {
  const running: SandboxHandle[] = [];
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
  return async function start(options: SandboxOptions = {}): Promise<SandboxClient> {
    const sandbox = await startSandbox(options);
    running.push(sandbox);
    return new SandboxClient(sandbox);
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests index into Graph's JSON freely
  body: any;
}

/** A tiny client: enough HTTP to drive the sandbox, not a second Graph client. */
export class SandboxClient {
  token: string | undefined;

  constructor(readonly sandbox: SandboxHandle) {}

  get url(): string {
    return this.sandbox.url;
  }

  async fetchToken(tenant = "sandbox"): Promise<string> {
    const reply = await this.form(`/${tenant}/oauth2/v2.0/token`, {
      grant_type: "client_credentials",
      client_id: "sandbox",
      client_secret: "sandbox",
      scope: "https://graph.microsoft.com/.default",
    });
    if (reply.status !== 200) throw new Error(`token: ${reply.status} ${JSON.stringify(reply.body)}`);
    this.token = reply.body.access_token;
    return this.token!;
  }

  async form(path: string, fields: Record<string, string>): Promise<Reply> {
    const response = await fetch(`${this.url}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
    return read(response);
  }

  /** A Graph request with the bearer token (fetched on first use). */
  async graph(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth !== false) headers.Authorization = `Bearer ${this.token ?? (await this.fetchToken())}`;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const url = path.startsWith("http") ? path : `${this.url}${path}`;
    const response = await fetch(url, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    return read(response);
  }

  get(path: string, headers?: Record<string, string>): Promise<Reply> {
    return this.graph("GET", path, headers ? { headers } : {});
  }

  batch(version: "v1.0" | "beta", requests: unknown[]): Promise<Reply> {
    return this.graph("POST", `/${version}/$batch`, { body: { requests } });
  }
}

async function read(response: Response): Promise<Reply> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
