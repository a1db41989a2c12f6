import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../log.js";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/**
 * The one HTTP server on PORT. Adapters mount their routes (`POST /slack/events`,
 * `POST /api/messages`); the server itself answers `/healthz` (process up) and
 * `/readyz` (every readiness check passes: Redis and the queue reachable).
 */
export class HttpServer {
  private readonly routes = new Map<string, RouteHandler>();
  private readonly checks: ReadinessCheck[] = [];
  readonly server: Server;

  constructor(private readonly logger: Logger) {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.route("GET", "/healthz", (_req, res) => sendJson(res, 200, { status: "ok" }));
    this.route("GET", "/readyz", (_req, res) => this.ready(res));
  }

  route(method: string, path: string, handler: RouteHandler): void {
    this.routes.set(`${method.toUpperCase()} ${path}`, handler);
  }

  addReadinessCheck(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  async listen(port: number, host = "0.0.0.0"): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address();
    return typeof address === "object" && address ? address.port : port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const handler = this.routes.get(`${req.method ?? "GET"} ${path}`);
    if (!handler) {
      const known = [...this.routes.keys()].some((key) => key.endsWith(` ${path}`));
      sendJson(res, known ? 405 : 404, { error: known ? "method not allowed" : "not found" });
      return;
    }
    try {
      await handler(req, res);
    } catch (err) {
      // A handler bug must not take the server down or leak a stack trace to the caller.
      this.logger.error({ err, path }, "http handler failed");
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.end();
    }
  }

  private async ready(res: ServerResponse): Promise<void> {
    const failures: Record<string, string> = {};
    await Promise.all(
      this.checks.map(async (c) => {
        try {
          await c.check();
        } catch (err) {
          failures[c.name] = err instanceof Error ? err.message : String(err);
        }
      }),
    );
    const ok = Object.keys(failures).length === 0;
    sendJson(res, ok ? 200 : 503, ok ? { status: "ready" } : { status: "not ready", failures });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
