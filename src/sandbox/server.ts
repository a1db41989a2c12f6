import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { sendHtml } from "../http/html.js";
import type { Logger } from "../log.js";
import { ADMIN_PREFIX, handleAdmin } from "./admin.js";
import { type BatchStatusWhenThrottled, handleBatch } from "./batch.js";
import type { DocumentedLimits } from "./documented-limits.js";
import { OUTAGE_MODES, OUTAGE_PATH, outageBody, type SandboxOutage } from "./outage.js";
import type { RateLimiter } from "./rate-limit.js";
import { dispatch, resolve, splitPath } from "./routes/index.js";
import {
  badRequest,
  type GraphRequest,
  type GraphResponse,
  type GraphVersion,
  graphError,
  type RouteContext,
} from "./routes/types.js";
import { ID_TOKEN_FAULTS, idTokenFaultBody, type SandboxSignIn, type SignInResponse } from "./sign-in.js";
import type { SandboxStats } from "./stats.js";
import type { SandboxTenant } from "./tenant.js";
import type { TokenIssuer } from "./token.js";

/**
 * The sandbox's one HTTP server: the token endpoint, Graph (`/v1.0`, `/beta`) and the
 * sandbox's own admin routes (`/_sandbox/…`, see admin.ts).
 * Every Graph operation — a request of its own or an item of a `$batch` — passes
 * the same gate: counted, then rate-limited, then maybe failed on purpose, then
 * handled by its route.
 */

export interface ServerParts {
  tenant: SandboxTenant;
  stats: SandboxStats;
  tokens: TokenIssuer;
  /** User sign-in: the authorize endpoint, the tenant's keys, ID tokens (sign-in.ts). */
  signIn: SandboxSignIn;
  rateLimiter: RateLimiter | undefined;
  /** `--limits documented`: each route throttled as Microsoft documents (documented-limits.ts). */
  documentedLimits: DocumentedLimits | undefined;
  faultRate: number;
  faultRandom: () => number;
  /**
   * 0..1: probability that a write (PATCH) fails for good — HTTP 400 `Request_BadRequest`, the
   * "cannot process the request" answer of Microsoft's Graph error page
   * (https://learn.microsoft.com/graph/errors). A 4xx is not transient, so the client does not
   * retry it (a 5xx it retries, inside a $batch too). Mutable: tests turn it on mid-run.
   */
  writeFailureRate: number;
  batchRandom: () => number;
  /** The `$batch` envelope's status when an item was throttled (200, or 424 as older docs say). */
  batchStatusWhenThrottled: BatchStatusWhenThrottled;
  latencyMs: number;
  sleep: (ms: number) => Promise<void>;
  pageSize: number;
  logger: Logger;
  /** Set once listening; nextLinks and @odata.context use it. */
  baseUrl: string;
  /** Graph outages on demand (`POST /_sandbox/outage`, outage.ts). */
  outage: SandboxOutage;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token\/?$/i;
const OPENID_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i;
const GRAPH_PATH = /^\/(v1\.0|beta)(\/.*)?$/i;
const AUTHORIZE_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/authorize\/?$/i;
const KEYS_PATH = /^\/([^/]+)\/discovery\/v2\.0\/keys$/i;
const ID_TOKEN_FAULT_PATH = "/_sandbox/sign-in/next-id-token";
const ROTATE_KEYS_PATH = "/_sandbox/sign-in/rotate-keys";

export function createSandboxServer(parts: ServerParts): Server {
  const server = createServer((req, res) => {
    handle(parts, req, res).catch((error: unknown) => {
      parts.logger.error({ err: error, url: req.url }, "sandbox request failed");
      if (!res.headersSent)
        send(res, graphError(500, "generalException", "The sandbox failed to handle the request."));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  parts.stats.httpRequests++;
  const rawBody = await readBody(req);
  if (rawBody === undefined)
    return send(res, graphError(413, "RequestEntityTooLarge", "The request is too large."));
  if (parts.latencyMs > 0) {
    await parts.sleep(parts.latencyMs);
    parts.stats.latencyAppliedMs += parts.latencyMs;
  }
  const method = (req.method ?? "GET").toUpperCase();
  const [rawPath = "/", rawQuery = ""] = splitOnce(req.url ?? "/", "?");
  const clientRequestId = header(req, "client-request-id");
  const reply = (response: GraphResponse) => send(res, response, clientRequestId);

  if (rawPath === "/" && method === "GET") {
    return reply({
      status: 200,
      headers: { "Content-Type": "application/json; charset=utf-8" },
      body: {
        name: "mfa-bot sandbox tenant",
        graph: `${parts.baseUrl}/v1.0`,
        token: `${parts.baseUrl}/{tenant}/oauth2/v2.0/token`,
      },
    });
  }

  const openId = OPENID_PATH.exec(rawPath);
  if (openId && method === "GET") {
    // For clients that discover the endpoints instead of building their URLs; the issuer and
    // the sign-in parts come from sign-in.ts.
    const tenant = openId[1]!;
    return reply({
      status: 200,
      headers: { "Content-Type": "application/json; charset=utf-8" },
      body: {
        token_endpoint: `${parts.baseUrl}/${tenant}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          "client_secret_post",
          "private_key_jwt",
          "client_secret_basic",
        ],
        grant_types_supported: ["client_credentials", "authorization_code"],
        tenant_region_scope: null,
        ...parts.signIn.configuration(tenant),
      },
    });
  }

  const signIn = signInRoute(parts, method, rawPath, rawQuery, rawBody);
  if (signIn) return signIn.html === undefined ? reply(signIn) : sendHtml(res, signIn.status, signIn.html);

  const tokenPath = TOKEN_PATH.exec(rawPath);
  if (tokenPath) {
    if (method !== "POST")
      return reply(graphError(405, "MethodNotAllowed", "Use POST for the token endpoint."));
    parts.stats.countRoute("POST /{tenant}/oauth2/v2.0/token");
    // A client assertion's `aud` is this endpoint (certificate-credentials page), here for this tenant.
    const tenant = tokenPath[1]!;
    const issued = parts.tokens.issue(header(req, "content-type"), rawBody, [
      `${parts.baseUrl}/${tenant}/oauth2/v2.0/token`,
      `${parts.baseUrl}/${tenant}/v2.0`,
    ]);
    if (issued.status === 200) parts.stats.tokensIssued++;
    return reply(issued);
  }

  if (rawPath === OUTAGE_PATH && method === "POST") {
    let parsed: ReturnType<typeof outageBody.safeParse>;
    try {
      parsed = outageBody.safeParse(JSON.parse(rawBody || "{}"));
    } catch {
      return reply({ status: 400, headers: {}, body: { error: "the body is not JSON" } });
    }
    if (!parsed.success) {
      return reply({
        status: 400,
        headers: {},
        body: { error: `body: { "seconds": N, "mode": one of ${OUTAGE_MODES.join(", ")} }` },
      });
    }
    parts.outage.start(parsed.data.mode, parsed.data.seconds);
    return reply({ status: 200, headers: {}, body: parsed.data });
  }

  if (rawPath.startsWith(ADMIN_PREFIX)) {
    let adminBody: unknown;
    try {
      adminBody = rawBody.trim() ? JSON.parse(rawBody) : undefined;
    } catch {
      return reply({ status: 400, headers: {}, body: { error: "the body is not JSON" } });
    }
    const admin = handleAdmin(parts.tenant, method, rawPath, adminBody);
    if (admin) return reply(admin);
  }

  const graph = GRAPH_PATH.exec(rawPath);
  if (!graph) {
    return reply(
      graphError(
        404,
        "NotFound",
        "The sandbox serves /{tenant}/oauth2/v2.0/token and /authorize, /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/discovery/v2.0/keys, /v1.0, /beta and its admin routes under /_sandbox/ only.",
      ),
    );
  }
  const version = (graph[1]!.toLowerCase() === "beta" ? "beta" : "v1.0") as GraphVersion;
  if (parts.outage.intercept(req, res)) return;
  if (parts.outage.active === "unavailable") {
    parts.stats.faults++;
    return reply(
      graphError(503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later."),
    );
  }

  const auth = parts.tokens.check(header(req, "authorization"));
  if (!auth.ok) {
    parts.stats.unauthorized++;
    return reply(
      graphError(401, "InvalidAuthenticationToken", auth.message, {
        "WWW-Authenticate":
          'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
      }),
    );
  }

  const path = graph[2] ?? "/";
  const segments = splitPath(path);
  if (!segments) return reply(badRequest("The request URL is not correctly percent-encoded."));

  let body: unknown;
  if (rawBody.trim().length > 0) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      return reply(
        badRequest(
          "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        ),
      );
    }
  }

  if (segments.length === 1 && segments[0] === "$batch") {
    parts.stats.countRoute(`${method} /${version}/$batch`);
    if (method !== "POST") return reply(graphError(405, "Request_BadRequest", "Use POST for $batch."));
    return reply(
      handleBatch(
        version,
        body,
        (item) => {
          parts.stats.batchItems++;
          return runOperation(parts, item, auth.roles);
        },
        parts.batchRandom,
        parts.batchStatusWhenThrottled,
      ),
    );
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers[name.toLowerCase()] = value;
  }
  return reply(
    runOperation(
      parts,
      {
        method,
        version,
        rawPath: path,
        segments,
        query: new URLSearchParams(rawQuery),
        headers,
        body,
      },
      auth.roles,
    ),
  );
}

/** The user sign-in routes (sign-in.ts), and the admin routes that steer them; undefined for others. */
function signInRoute(
  parts: ServerParts,
  method: string,
  rawPath: string,
  rawQuery: string,
  rawBody: string,
): SignInResponse | undefined {
  const json = (status: number, body: unknown): SignInResponse => ({
    status,
    headers: { "Content-Type": "application/json; charset=utf-8" },
    body,
  });
  const authorize = AUTHORIZE_PATH.exec(rawPath);
  if (authorize && method === "GET") {
    parts.stats.countRoute("GET /{tenant}/oauth2/v2.0/authorize");
    return parts.signIn.authorize(authorize[1]!, new URLSearchParams(rawQuery), `${parts.baseUrl}${rawPath}`);
  }
  if (KEYS_PATH.test(rawPath) && method === "GET") {
    parts.stats.countRoute("GET /{tenant}/discovery/v2.0/keys");
    return json(200, parts.signIn.keysDocument());
  }
  if (rawPath === ID_TOKEN_FAULT_PATH && method === "POST") {
    let body: unknown;
    try {
      body = JSON.parse(rawBody || "{}");
    } catch {
      body = undefined;
    }
    const parsed = idTokenFaultBody.safeParse(body);
    if (!parsed.success)
      return json(400, { error: `body: { "fault": one of ${ID_TOKEN_FAULTS.join(", ")} }` });
    parts.signIn.failNextIdToken(parsed.data.fault);
    return json(200, { nextIdToken: parsed.data.fault });
  }
  if (rawPath === ROTATE_KEYS_PATH && method === "POST") return json(200, { kid: parts.signIn.rotateKeys() });
  return undefined;
}

/**
 * The gate every Graph operation passes, batched or not. An app whose token lacks every
 * permission the route's page lists gets Graph's 403
 * (https://learn.microsoft.com/graph/resolve-auth-errors#403-forbidden-error).
 */
function runOperation(parts: ServerParts, request: GraphRequest, roles: ReadonlySet<string>): GraphResponse {
  const resolution = resolve(request.method, request.version, request.segments);
  parts.stats.graphOperations++;
  parts.stats.countRoute(resolution.statsKey);
  if ("route" in resolution && !resolution.route.permissions.some((permission) => roles.has(permission))) {
    parts.stats.forbidden++;
    return graphError(
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
  }
  if (parts.rateLimiter) {
    const decision = parts.rateLimiter.take();
    if (!decision.ok) {
      parts.stats.throttled++;
      return graphError(429, "TooManyRequests", "Please retry again later.", {
        "Retry-After": String(decision.retryAfterSeconds),
      });
    }
  }
  if (parts.documentedLimits && "route" in resolution) {
    const decision = parts.documentedLimits.take(request.method, resolution.route.pattern, request.query);
    if (!decision.ok) {
      parts.stats.throttled++;
      parts.stats.countThrottle(decision.limit);
      return graphError(
        429,
        "TooManyRequests",
        "Please retry again later.",
        decision.retryAfterSeconds === undefined ? {} : { "Retry-After": String(decision.retryAfterSeconds) },
      );
    }
  }
  if (parts.faultRate > 0 && parts.faultRandom() < parts.faultRate) {
    parts.stats.faults++;
    return graphError(503, "serviceNotAvailable", "Service unavailable. Please retry.", {
      "Retry-After": "1",
    });
  }
  if (
    parts.writeFailureRate > 0 &&
    request.method === "PATCH" &&
    parts.faultRandom() < parts.writeFailureRate
  ) {
    parts.stats.faults++;
    return graphError(400, "Request_BadRequest", "The request could not be processed (sandbox write fault).");
  }
  const context: RouteContext = {
    tenant: parts.tenant,
    baseUrl: parts.baseUrl,
    pageSize: parts.pageSize,
    roles,
  };
  const response = dispatch(resolution, request, context);
  parts.logger.debug(
    { method: request.method, path: `/${request.version}${request.rawPath}`, status: response.status },
    "sandbox graph operation",
  );
  return response;
}

function send(
  res: ServerResponse,
  response: GraphResponse | { status: number; headers: Record<string, string>; body: unknown },
  clientRequestId?: string,
): void {
  const requestId = randomUUID();
  const headers: Record<string, string> = {
    "request-id": requestId,
    "client-request-id": clientRequestId ?? requestId,
    ...(response.headers ?? {}),
  };
  if (response.body === undefined || response.status === 204) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(response.body);
  headers["Content-Length"] = String(Buffer.byteLength(text));
  res.writeHead(response.status, headers);
  res.end(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolveBody(tooLarge ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}
