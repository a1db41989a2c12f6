import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SIGN_IN_CALLBACK_PATH } from "../config/env.js";
import { tokenUrlOf } from "../directory/graph/token.js";
import { escapeHtml, htmlPage, sendHtml } from "../http/html.js";
import type { HttpServer } from "../http/server.js";
import type { Logger } from "../log.js";
import type { JobSink } from "../queue/intake.js";
import { type AppCredential, redeemCode } from "./code-redemption.js";
import { checkIdToken, type KeySource } from "./id-token.js";
import { describeAccount, type LinkStore } from "./links.js";
import { newPkce, randomToken } from "./pkce.js";
import { SIGN_IN_TTL_SECONDS, type SignInStore, sha256Hex } from "./sign-in-store.js";
import { SignInSetupError } from "./tenant-keys.js";

/**
 * `GET /auth/start` and `GET /auth/callback` on `serve`: linking a Slack account to its Entra user
 * by signing in, with the OpenID Connect authorization code flow and PKCE of the Microsoft identity
 * platform (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow,
 * https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc).
 *
 * `/auth/start?ticket=…` takes the one-time ticket `link` handed out, binds a fresh `state` (single
 * use, ten minutes) to the Slack account and to this browser (a cookie), and redirects to the
 * tenant's authorize endpoint with a `nonce` and an S256 code challenge. `/auth/callback` takes the
 * state back, redeems the code (the app's secret or certificate, the PKCE verifier, the fixed
 * redirect URI), checks the ID token (id-token.ts) and stores the link. Whatever is wrong, the page
 * says what, and nothing is linked. No code, state, ticket or token is ever logged.
 */

export const SIGN_IN_START_PATH = "/auth/start";

export interface SignInSettings {
  /** MFA_BOT_PUBLIC_URL, without a trailing slash. */
  publicUrl: string;
  /** publicUrl + /auth/callback: the Web redirect URI registered on the app. */
  redirectUri: string;
  /** AZURE_AUTHORITY_HOST, without a trailing slash. */
  authorityHost: string;
  /** AZURE_TENANT_ID. */
  tenant: string;
  credential: AppCredential;
}

export interface SignInDeps {
  settings: SignInSettings;
  signIns: SignInStore;
  links: LinkStore;
  /** The tenant's issuer and signing keys (TenantKeys). */
  keys: KeySource;
  /** For the "linked as …" message the worker sends. */
  jobs: JobSink;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

/** The one-time link `link` answers with. */
export function signInStartUrl(publicUrl: string, ticket: string): string {
  return `${publicUrl}${SIGN_IN_START_PATH}?ticket=${encodeURIComponent(ticket)}`;
}

const COOKIE = "mfa_bot_sign_in";
const AGAIN = "Type <code>/mfa link</code> in Slack for a new sign-in link.";

export function mountSignIn(server: HttpServer, deps: SignInDeps): void {
  server.route("GET", SIGN_IN_START_PATH, (req, res) => start(deps, req, res));
  server.route("GET", SIGN_IN_CALLBACK_PATH, (req, res) => callback(deps, req, res));
}

async function start(deps: SignInDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ticket = await deps.signIns.takeTicket(queryOf(req).get("ticket") ?? "");
  if (!ticket) {
    deps.logger.info("sign-in: a start link that is unknown, used or expired");
    return problem(res, 400, "This sign-in link has expired or was already used", AGAIN);
  }
  const { settings } = deps;
  const pkce = newPkce();
  const nonce = randomToken();
  const browser = randomToken();
  const state = await deps.signIns.begin({
    ...ticket,
    nonce,
    codeVerifier: pkce.verifier,
    browser: sha256Hex(browser),
  });
  const authorize = new URL(
    `${settings.authorityHost}/${encodeURIComponent(settings.tenant)}/oauth2/v2.0/authorize`,
  );
  for (const [name, value] of Object.entries({
    client_id: settings.credential.clientId,
    response_type: "code",
    redirect_uri: settings.redirectUri,
    // query: the callback is a plain GET, so the SameSite=Lax cookie comes with it.
    response_mode: "query",
    // profile brings `oid` and `preferred_username` (id-token-claims-reference).
    scope: "openid profile",
    state,
    nonce,
    code_challenge: pkce.challenge,
    code_challenge_method: pkce.method,
    // The person proves who they are now, not whoever this browser was signed in as before.
    prompt: "login",
  })) {
    authorize.searchParams.set(name, value);
  }
  deps.logger.info(
    { teamId: ticket.account.teamId, slackUser: ticket.account.userId },
    "sign-in: started, redirecting to Entra",
  );
  res.writeHead(302, {
    location: authorize.toString(),
    "set-cookie": cookie(settings.publicUrl, browser, SIGN_IN_TTL_SECONDS),
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
  });
  res.end();
}

async function callback(deps: SignInDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const query = queryOf(req);
  const clearCookie = { "set-cookie": cookie(deps.settings.publicUrl, "", 0) };
  let log = deps.logger;
  const refuse = (status: number, title: string, why: string, level: "info" | "warn" = "info") => {
    log[level]({ why }, `sign-in refused: ${title}`);
    problem(res, status, title, `${escapeHtml(why)} Nothing was linked. ${AGAIN}`, clearCookie);
  };
  const state = query.get("state");
  if (!state) return refuse(400, "This is not a sign-in", "The page was opened without a sign-in state.");
  const pending = await deps.signIns.takeState(state);
  if (!pending) {
    return refuse(
      400,
      "This sign-in has expired or was already finished",
      "Its state is unknown to the bot.",
    );
  }
  log = log.child({ teamId: pending.account.teamId, slackUser: pending.account.userId });
  if (!sameBrowser(req, pending.browser)) {
    return refuse(
      400,
      "This sign-in was started in another browser",
      "Open the sign-in link in the browser you finish it in.",
      "warn",
    );
  }
  const error = query.get("error");
  if (error) {
    const description = (query.get("error_description") ?? "").split(/\r?\n/)[0]?.slice(0, 300);
    return refuse(
      400,
      "Microsoft Entra did not sign you in",
      `It answered ${error}${description ? `: ${description}` : ""}.`,
    );
  }
  const code = query.get("code");
  if (!code)
    return refuse(
      400,
      "Microsoft Entra sent no sign-in code",
      "The answer held neither a code nor an error.",
    );

  const { settings } = deps;
  const now = deps.now ?? Date.now;
  const redeemed = await redeemCode({
    tokenUrl: tokenUrlOf(settings.authorityHost, settings.tenant),
    credential: settings.credential,
    code,
    redirectUri: settings.redirectUri,
    codeVerifier: pending.codeVerifier,
    fetch: deps.fetch ?? fetch,
    nowMs: now(),
  });
  if (!redeemed.ok)
    return refuse(400, "Microsoft Entra refused the sign-in code", `${redeemed.reason}.`, "warn");

  let checked: Awaited<ReturnType<typeof checkIdToken>>;
  try {
    checked = await checkIdToken(redeemed.idToken, deps.keys, {
      clientId: settings.credential.clientId,
      tenant: settings.tenant,
      nonce: pending.nonce,
      nowMs: now(),
    });
  } catch (err) {
    if (!(err instanceof SignInSetupError)) throw err;
    log.error({ err: err.message }, "sign-in: the tenant's signing keys could not be read");
    return problem(
      res,
      502,
      "The sign-in could not be checked",
      `${escapeHtml(err.message)}. Nothing was linked; try again in a minute.`,
      clearCookie,
    );
  }
  if (!checked.ok) return refuse(400, "The sign-in was refused", `${checked.reason}.`, "warn");

  const { identity } = checked;
  await deps.links.set({
    account: pending.account,
    objectId: identity.objectId,
    tenantId: identity.tenantId,
    ...(identity.username ? { upn: identity.username } : {}),
    linkedAt: new Date(now()).toISOString(),
  });
  log.info({ objectId: identity.objectId }, "sign-in: chat account linked");
  try {
    await deps.jobs.enqueue({
      kind: "linked",
      requestId: pending.requestId,
      account: pending.account,
      objectId: identity.objectId,
      replyTo: pending.replyTo,
    });
  } catch (err) {
    // The link stands; only its "linked as …" message is lost, and the page says the same.
    log.error({ err: String(err) }, "sign-in: could not queue the linked message");
  }
  const who = identity.username ?? identity.objectId;
  sendHtml(
    res,
    200,
    htmlPage(
      "Linked",
      `<p>${escapeHtml(describeAccount(pending.account))} is now linked to <strong>${escapeHtml(who)}</strong> (Entra object id <code>${escapeHtml(identity.objectId)}</code>).</p>
<p>mfa-bot takes that Entra account, not the email on the Slack profile, as who acts from it. <code>/mfa unlink</code> removes the link. You can close this window.</p>`,
    ),
    clearCookie,
  );
}

function problem(
  res: ServerResponse,
  status: number,
  title: string,
  detailHtml: string,
  headers: Record<string, string> = {},
): void {
  sendHtml(res, status, htmlPage(title, `<p>${detailHtml}</p>`), headers);
}

function queryOf(req: IncomingMessage): URLSearchParams {
  const url = req.url ?? "";
  const at = url.indexOf("?");
  return new URLSearchParams(at < 0 ? "" : url.slice(at + 1));
}

/**
 * The cookie that binds a sign-in to the browser that opened the link (RFC 6749 §10.12: bind
 * `state` to the user agent). SameSite=Lax still comes with the top-level GET redirect back from
 * Entra; Secure whenever the public URL is https.
 */
function cookie(publicUrl: string, value: string, maxAgeSeconds: number): string {
  const url = new URL(publicUrl);
  const path = `${url.pathname.replace(/\/+$/, "")}/auth`;
  const secure = url.protocol === "https:" ? "; Secure" : "";
  return `${COOKIE}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
}

function sameBrowser(req: IncomingMessage, expectedHash: string): boolean {
  const header = req.headers.cookie ?? "";
  const value = header
    .split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
  if (!value) return false;
  const actual = Buffer.from(sha256Hex(value), "hex");
  const expected = Buffer.from(expectedHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
