import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { withTimeout } from "../delivery/deadline.js";
import type { Logger } from "../log.js";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface RouteOptions {
  /**
   * The largest body the route takes; a bigger one is answered 413 and its connection closed.
   * @defaultValue HttpServerOptions.maxBodyBytes
   */
  maxBodyBytes?: number;
}

/**
 * How the server sheds clients that are slow, idle or too many. Slack and the Bot Framework
 * send a whole request at once and expect an answer within seconds (Slack: 3 s), so a client
 * that trickles its headers or body is not one of them.
 */
export interface HttpServerOptions {
  /**
   * Time to receive the request headers (Node's `headersTimeout`); then 408 and the connection closes.
   * @defaultValue 10_000
   */
  headersTimeoutMs?: number;
  /**
   * Time to receive the whole request, body included (Node's `requestTimeout`); then 408.
   * @defaultValue 30_000
   */
  requestTimeoutMs?: number;
  /**
   * How long an idle keep-alive connection stays open after a response.
   * @defaultValue 5_000
   */
  keepAliveTimeoutMs?: number;
  /**
   * How often Node looks for requests past their header or request timeout (its default is 30 s,
   * which would let a slow client keep a connection up to that much longer).
   * @defaultValue 1_000
   */
  timeoutCheckIntervalMs?: number;
  /**
   * Connections open at once; one more is closed as it arrives.
   * @defaultValue 1_024
   */
  maxConnections?: number;
  /**
   * Body size for routes that do not set their own.
   * @defaultValue 16_384
   */
  maxBodyBytes?: number;
  /**
   * How long one readiness check may take before it counts as failed: `/readyz` answers within
   * about this long whatever Redis does (a probe must not hang, nor hold up a shutdown).
   * @defaultValue 800
   */
  readinessTimeoutMs?: number;
}

/** The request body, already read and size-checked by the server (Bolt reads `rawBody` too). */
type BufferedRequest = IncomingMessage & { rawBody?: Buffer };

/** The body the server read for this request; undefined when it was not read by the server. */
export function requestBody(req: IncomingMessage): Buffer | undefined {
  return (req as BufferedRequest).rawBody;
}

interface Route {
  handler: RouteHandler;
  maxBodyBytes: number;
}

/**
 * The one HTTP server on PORT. Adapters mount their routes (`POST /slack/events`,
 * `POST /api/messages`); the server itself answers `/healthz` (process up) and
 * `/readyz` (every readiness check passes: Redis and the queue reachable). Every request's
 * body is read here, up to its route's limit and within the request timeout, before the
 * route's handler runs.
 */
export class HttpServer {
  private readonly routes = new Map<string, Route>();
  private readonly checks: ReadinessCheck[] = [];
  private readonly maxBodyBytes: number;
  private readonly readinessTimeoutMs: number;
  readonly server: Server;

  constructor(
    private readonly logger: Logger,
    options: HttpServerOptions = {},
  ) {
    this.maxBodyBytes = options.maxBodyBytes ?? 16_384;
    this.readinessTimeoutMs = options.readinessTimeoutMs ?? 800;
    this.server = createServer(
      {
        headersTimeout: options.headersTimeoutMs ?? 10_000,
        requestTimeout: options.requestTimeoutMs ?? 30_000,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
        connectionsCheckingInterval: options.timeoutCheckIntervalMs ?? 1_000,
      },
      (req, res) => {
        void this.handle(req, res);
      },
    );
    this.server.maxConnections = options.maxConnections ?? 1_024;
    this.server.on("drop", (data?: { remoteAddress?: string }) => {
      this.logger.warn({ remote: data?.remoteAddress }, "http: connection refused, too many open");
    });
    this.route("GET", "/healthz", (_req, res) => sendJson(res, 200, { status: "ok" }));
    this.route("GET", "/readyz", (_req, res) => this.ready(res));
  }

  route(method: string, path: string, handler: RouteHandler, options: RouteOptions = {}): void {
    this.routes.set(`${method.toUpperCase()} ${path}`, {
      handler,
      maxBodyBytes: options.maxBodyBytes ?? this.maxBodyBytes,
    });
  }

  addReadinessCheck(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** Listens on `host` (every IPv4 interface by default; HOST in the environment). */
  async listen(port: number, host = "0.0.0.0"): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address();
    return typeof address === "object" && address ? address.port : port;
  }

  /**
   * Stops listening and waits for the requests in hand, at most `graceMs`; then the
   * connections still open are closed, so a shutdown never waits on a stuck client or check.
   */
  async close(graceMs = 5_000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Idle keep-alive connections would hold close() until their timeout.
    this.server.closeIdleConnections();
    const grace = setTimeout(() => this.server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(grace);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const route = this.routes.get(`${req.method ?? "GET"} ${path}`);
    if (!route) {
      req.resume();
      const known = [...this.routes.keys()].some((key) => key.endsWith(` ${path}`));
      sendJson(res, known ? 405 : 404, { error: known ? "method not allowed" : "not found" });
      return;
    }
    const body = await readBody(req, route.maxBodyBytes);
    if (!body.ok) {
      if (body.tooLarge) {
        this.logger.warn({ path, limit: route.maxBodyBytes }, "http: request body too large");
        // The rest of the body is not read: the connection closes after the answer.
        res.setHeader("connection", "close");
        sendJson(res, 413, { error: "request body too large" });
        res.once("finish", () => req.socket.destroySoon());
      }
      return;
    }
    (req as BufferedRequest).rawBody = body.value;
    try {
      await route.handler(req, res);
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
          await withTimeout(c.check(), this.readinessTimeoutMs, c.name);
        } catch (err) {
          failures[c.name] = err instanceof Error ? err.message : String(err);
        }
      }),
    );
    const ok = Object.keys(failures).length === 0;
    sendJson(res, ok ? 200 : 503, ok ? { status: "ready" } : { status: "not ready", failures });
  }
}

type BodyRead = { ok: true; value: Buffer } | { ok: false; tooLarge: boolean };

/**
 * The whole body, or `tooLarge` as soon as it passes `limit` (a Content-Length that says so is
 * refused before a byte is read). A client that stops sending is cut off by the request timeout.
 */
function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, tooLarge: true });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: BodyRead) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        done({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => done({ ok: true, value: Buffer.concat(chunks) });
    const onError = () => done({ ok: false, tooLarge: false });
    const onClose = () => {
      if (!req.complete) done({ ok: false, tooLarge: false });
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
