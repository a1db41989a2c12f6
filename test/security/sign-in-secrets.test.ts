import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { parsePolicy } from "../../src/config/policy.js";
import { createLogger } from "../../src/log.js";
import { pageText, SignInBrowser } from "../../src/sandbox/sign-in-browser.js";
import { PEOPLE, readSlack, SlackEndToEnd } from "../adapters/slack/end-to-end-harness.js";
import { localNetworkOnly } from "../helpers/local-network.js";
import { ADMIN, MANAGER } from "../helpers/worker-harness.js";

/**
 * Issue 16: no sign-in secret reaches the log — not the one-time link's ticket, the `state`, the
 * authorization code, the PKCE verifier, the nonce, nor any token — whether by a field, a message
 * or a URL. The end-to-end run logs serve's sign-in routes, the worker and the Graph client to one
 * stream, through a whole sign-in and a refused one.
 */

localNetworkOnly();

function capture() {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(
        ...chunk
          .toString()
          .split("\n")
          .filter((line) => line.trim()),
      );
      done();
    },
  });
  return { raw, logger: createLogger({ level: "debug" }, stream) };
}

/** A compact JWT (header.claims.signature), such as an ID token. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

describe("the logger", () => {
  it("hides sign-in secrets in fields and in URLs", () => {
    const { raw, logger } = capture();
    logger.info(
      {
        id_token: "eyJhbGciOiJSUzI1NiJ9.eyJvaWQiOiJ4In0.c2lnbmF0dXJl",
        response: { refresh_token: "rt-s3cret", id_token: "it-s3cret" },
        pending: { codeVerifier: "verifier-s3cret", nonce: "nonce-s3cret" },
        form: { code_verifier: "cv-s3cret" },
      },
      "redeemed https://serve.contoso.example/auth/callback?code=code-s3cret&state=state-s3cret and /auth/start?ticket=ticket-s3cret&nonce=n-s3cret",
    );
    const text = raw.join("\n");
    expect(text).not.toMatch(/s3cret/);
    expect(text).not.toMatch(JWT);
    expect(text).toContain("https://serve.contoso.example/auth/callback?code=***&state=***");
  });
});

describe("a sign-in, end to end", () => {
  let e2e: SlackEndToEnd | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  it("logs that an account was linked, and never a ticket, state, code or token", async () => {
    const { raw, logger } = capture();
    const policy = parsePolicy(
      { roles: { admin: [ADMIN], approver: [MANAGER] }, requireLinkedIdentity: ["approve"] },
      "(test)",
    );
    e2e = await SlackEndToEnd.start({ policy, signIn: true, logger });
    const secrets: string[] = [];
    for (const finish of ["linked", "refused"] as const) {
      if (finish === "refused") {
        await fetch(`${e2e.worker.sandbox.url}/_sandbox/sign-in/next-id-token`, {
          method: "POST",
          body: JSON.stringify({ fault: "foreign-key" }),
        });
      }
      const sent = await e2e.slash(PEOPLE.manager, "link");
      const answer = readSlack(await e2e.answerAt(sent.responseUrl));
      const url = /http:\/\/\S+\/auth\/start\?ticket=([A-Za-z0-9_-]+)/.exec(answer)!;
      const walk = await new SignInBrowser().signIn(url[0], MANAGER);
      expect(pageText(walk.page.text)).toContain(finish === "linked" ? "is now linked to" : "was refused");
      const callback = new URL(walk.callbackUrl!);
      secrets.push(url[1]!, callback.searchParams.get("code")!, callback.searchParams.get("state")!);
      secrets.push(new URL(walk.authorizeUrl!).searchParams.get("nonce")!);
    }
    await e2e.settle();

    const text = raw.join("\n");
    expect(text).toContain("sign-in: chat account linked");
    expect(text).toContain("sign-in refused: The sign-in was refused");
    expect(secrets.every((s) => s.length >= 20)).toBe(true);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(JWT);
  });
});
