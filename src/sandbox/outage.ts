import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { z } from "zod";

/**
 * A Graph outage on demand, for fault tests: `POST /_sandbox/outage {"seconds": 60, "mode": …}`.
 * Only Graph (`/v1.0`, `/beta`) goes away; the token endpoint and the admin routes keep answering,
 * as Microsoft's identity platform and Graph are separate services.
 *
 * - `unavailable`: every Graph request answers 503 `serviceNotAvailable` — "The service is
 *   temporarily unavailable for maintenance or is overloaded. You may repeat the request after a
 *   delay" (https://learn.microsoft.com/graph/errors#http-status-codes). No Retry-After: Graph
 *   sends one only "may" (same page), so the client must back off on its own.
 * - `timeout`: Graph accepts the connection and never answers (the request is dropped when the
 *   outage ends), as a client behind a dead load balancer sees it.
 * - `refused`: the sandbox stops listening and drops every open connection; new connections are
 *   refused (ECONNREFUSED) until it listens again on the same port.
 */
export const OUTAGE_MODES = ["unavailable", "timeout", "refused"] as const;
export type OutageMode = (typeof OUTAGE_MODES)[number];

export const outageBody = z.strictObject({
  seconds: z.number().positive().max(3_600),
  mode: z.enum(OUTAGE_MODES).default("unavailable"),
});

export const OUTAGE_PATH = "/_sandbox/outage";

export class SandboxOutage {
  private mode: OutageMode | undefined;
  private until = 0;
  private readonly held = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  server: Server | undefined;
  /** Where the server listens, to listen there again after a `refused` outage. */
  address: { port: number; host: string } | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts (or replaces) an outage; answers once it is in force. */
  start(mode: OutageMode, seconds: number): void {
    this.end();
    this.mode = mode;
    this.until = this.now() + seconds * 1000;
    this.timer = setTimeout(() => this.end(), seconds * 1000);
    this.timer.unref();
    if (mode === "refused" && this.server) {
      // After this answer is written: stop listening and drop the keep-alive connections.
      setImmediate(() => {
        this.server?.close();
        this.server?.closeAllConnections();
      });
    }
  }

  get active(): OutageMode | undefined {
    return this.mode !== undefined && this.now() < this.until ? this.mode : undefined;
  }

  /** A Graph request during an outage: answered (or not) as the mode says. True when handled. */
  intercept(req: IncomingMessage, res: ServerResponse): boolean {
    const mode = this.active;
    if (mode === undefined) return false;
    if (mode === "refused") {
      req.socket.destroy();
      return true;
    }
    if (mode === "timeout") {
      this.held.add(res);
      res.once("close", () => this.held.delete(res));
      return true;
    }
    return false;
  }

  private end(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const was = this.mode;
    this.mode = undefined;
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
    if (was === "refused" && this.server && this.address && !this.server.listening) {
      this.server.listen(this.address.port, this.address.host);
    }
  }
}
