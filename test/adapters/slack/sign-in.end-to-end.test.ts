import { describe, expect, it } from "vitest";
import { APPROVE_ACTION_ID } from "../../../adapters/slack/action-ids.js";
import { parsePolicy } from "../../../src/config/policy.js";
import { statePrefix } from "../../../src/run/worker-runtime.js";
import { SANDBOX_SAMPLE_USERS } from "../../../src/sandbox/default-seed.js";
import { ID_TOKEN_FAULTS, type IdTokenFault } from "../../../src/sandbox/index.js";
import { pageText, SignInBrowser } from "../../../src/sandbox/sign-in-browser.js";
import { LinkStore } from "../../../src/signin/links.js";
import { localNetworkOnly } from "../../helpers/local-network.js";
import { ADMIN, HELPDESK, MANAGER } from "../../helpers/worker-harness.js";
import { endToEndRuns } from "../end-to-end/scenarios.js";
import {
  blockText,
  buttonsOf,
  CHANNEL,
  dmWith,
  PEOPLE,
  type Person,
  readSlack,
  SIGN_IN_CLIENT_ID,
  SIGN_IN_TENANT,
  SlackEndToEnd,
} from "./end-to-end-harness.js";

// Issue 16, end to end over real HTTP: `mfa-bot serve` (Slack's /slack/events and the sign-in's
// /auth/start and /auth/callback on one server), a real worker, the sandbox tenant as both Graph
// and the Microsoft identity platform, and a fake Slack. A person's browser is SignInBrowser.

/** Approvers act from Slack only through a linked account; admins and the helpdesk as before. */
const POLICY = parsePolicy(
  {
    roles: { helpdesk: [HELPDESK], admin: [ADMIN], approver: [MANAGER] },
    requireLinkedIdentity: ["approve"],
  },
  "(sign-in test policy)",
);

/** A Slack account someone gave the approver's address: what the policy must not trust. */
const IMPOSTOR: Person = { id: "U0IMPOSTOR", name: "mia.manager", realName: "Mia Manager", email: MANAGER };
const ALEX = SANDBOX_SAMPLE_USERS.disabledUnregistered;

let e2e: SlackEndToEnd;
const runs = endToEndRuns(async () => {
  e2e = await SlackEndToEnd.start({ policy: POLICY, signIn: true });
  e2e.fake.addUser(IMPOSTOR);
  return e2e;
});

localNetworkOnly();

const START_LINK = /http:\/\/127\.0\.0\.1:\d+\/auth\/start\?ticket=[A-Za-z0-9_-]+/;

/** `/mfa link` typed by `person`: their private answer and the one-time link in it. */
async function askForLink(person: Person): Promise<{ answer: string; url: string }> {
  const sent = await e2e.slash(person, "link");
  const answer = readSlack(await e2e.answerAt(sent.responseUrl));
  const url = START_LINK.exec(answer)?.[0];
  if (!url) throw new Error(`no sign-in link in: ${answer}`);
  return { answer, url };
}

/** `person` asks for a link and signs in with it as `upn`. */
async function link(person: Person, upn: string, browser = new SignInBrowser()) {
  const { url } = await askForLink(person);
  const walk = await browser.signIn(url, upn);
  return { ...walk, url, browser, text: pageText(walk.page.text) };
}

function links() {
  return new LinkStore(e2e.worker.redis, statePrefix(e2e.worker.prefix)).list();
}

/** The admin asks to enable Alex in bulk (which needs approval); the card's approval id and ts. */
async function approvalCard(): Promise<{ approvalId: string; ts: string }> {
  await e2e.slash(PEOPLE.admin, `bulk enable ${ALEX.userPrincipalName}`);
  const card = await e2e.fake.waitFor(
    () =>
      [...e2e.fake.messages.values()].find((m) => m.channel === CHANNEL && buttonsOf(m.blocks).length > 0),
    15_000,
  );
  return { approvalId: buttonsOf(card.blocks)[0]!.value, ts: card.ts };
}

/** `person` clicks Approve; what they were told privately once the worker has answered. */
async function approve(person: Person, card: { approvalId: string; ts: string }): Promise<string> {
  const click = await e2e.click(person, APPROVE_ACTION_ID, card.approvalId, card.ts);
  await e2e.settle();
  return e2e.fake
    .responsesTo(click.responseUrl)
    .map((r) => readSlack(r.body))
    .join("\n");
}

async function spoilNextIdToken(fault: IdTokenFault): Promise<void> {
  const res = await fetch(`${e2e.worker.sandbox.url}/_sandbox/sign-in/next-id-token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ fault }),
  });
  expect(res.status).toBe(200);
}

describe("linking a Slack account by signing in", () => {
  it("hands out a private one-time link, signs in through the sandbox, links the account and says so in a DM", async () => {
    await runs.start();
    const sent = await e2e.slash(PEOPLE.manager, "link");
    // A quick command: an empty ack, and the answer only the asker sees.
    expect(sent.status).toBe(200);
    expect(sent.text).toBe("");
    const reply = await e2e.answerAt(sent.responseUrl);
    expect(reply.response_type).toBe("ephemeral");
    const answer = readSlack(reply);
    expect(answer).toContain("Sign in to Microsoft Entra to link your Slack account");
    expect(answer).toContain("The link works once, for 10 minutes, and only you can see it.");
    const url = START_LINK.exec(answer)![0];
    expect(url.startsWith(`${e2e.serveUrl}/auth/start?ticket=`)).toBe(true);

    const browser = new SignInBrowser();
    const walk = await browser.signIn(url, MANAGER);
    // The authorize request, as the auth code flow with PKCE and OpenID Connect asks for it.
    const authorize = new URL(walk.authorizeUrl!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${e2e.worker.sandbox.url}/${SIGN_IN_TENANT}/oauth2/v2.0/authorize`,
    );
    const q = Object.fromEntries(authorize.searchParams);
    expect(q).toMatchObject({
      client_id: SIGN_IN_CLIENT_ID,
      response_type: "code",
      response_mode: "query",
      redirect_uri: `${e2e.serveUrl}/auth/callback`,
      scope: "openid profile",
      code_challenge_method: "S256",
      prompt: "login",
    });
    expect(q.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(walk.callbackUrl!.startsWith(`${e2e.serveUrl}/auth/callback?`)).toBe(true);

    expect(walk.page.status).toBe(200);
    const page = pageText(walk.page.text);
    expect(page).toContain(
      `Slack user ${PEOPLE.manager.id} (workspace ${e2e.fake.teamId}) is now linked to ${MANAGER}`,
    );

    const stored = await links();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      account: { platform: "slack", teamId: e2e.fake.teamId, userId: PEOPLE.manager.id },
      objectId: e2e.worker.sandbox.tenant.user(MANAGER)!.id,
      tenantId: SIGN_IN_TENANT,
      upn: MANAGER,
    });

    // The DM goes to the Slack account that signed in, by its id, not to whoever has the email.
    const dm = await e2e.fake.waitFor(
      () => e2e.fake.callsTo("chat.postMessage").find((c) => c.args.channel === dmWith(PEOPLE.manager)),
      15_000,
    );
    expect(String(dm.args.text)).toContain(`Linked: your Slack account now acts as`);
    expect(String(dm.args.text)).toContain(`(${MANAGER})`);
    expect(e2e.fake.callsTo("conversations.open").map((c) => c.args.users)).toEqual([PEOPLE.manager.id]);
    expect(e2e.fake.callsTo("users.lookupByEmail")).toHaveLength(0);

    // The link worked once; so did the sign-in it started.
    const again = await new SignInBrowser().open(url);
    expect(again.status).toBe(400);
    expect(pageText(again.text)).toContain("This sign-in link has expired or was already used");
    const replay = await browser.open(walk.callbackUrl!);
    expect(replay.status).toBe(400);
    expect(pageText(replay.text)).toContain("Nothing was linked");
  });

  it("keeps links in Redis for every process, lists them to admins, and removes one on unlink", async () => {
    await runs.start();
    await link(PEOPLE.manager, MANAGER);
    await link(PEOPLE.helpdesk, HELPDESK);
    // Another process — a restarted serve or worker — reads the same links.
    expect((await links()).map((l) => l.account.userId).sort()).toEqual([
      PEOPLE.helpdesk.id,
      PEOPLE.manager.id,
    ]);

    const listed = readSlack(await e2e.answerAt((await e2e.slash(PEOPLE.admin, "links")).responseUrl));
    expect(listed).toContain("2 linked chat account(s). The policy requires a linked account of: approve.");
    expect(listed).toContain(`Slack user ${PEOPLE.manager.id} (workspace ${e2e.fake.teamId}) → ${MANAGER}`);
    expect(listed).toContain(`Slack user ${PEOPLE.helpdesk.id} (workspace ${e2e.fake.teamId}) → ${HELPDESK}`);

    // Only admins list links.
    const refused = readSlack(await e2e.answerAt((await e2e.slash(PEOPLE.helpdesk, "links")).responseUrl));
    expect(refused).toContain("you need the admin role to list linked chat accounts");

    const unlinked = readSlack(await e2e.answerAt((await e2e.slash(PEOPLE.manager, "unlink")).responseUrl));
    expect(unlinked).toContain(`Unlinked: your Slack account no longer acts as ${MANAGER}`);
    expect((await links()).map((l) => l.account.userId)).toEqual([PEOPLE.helpdesk.id]);
    const twice = readSlack(await e2e.answerAt((await e2e.slash(PEOPLE.manager, "unlink")).responseUrl));
    expect(twice).toContain("Your Slack account was not linked; nothing changed.");
  });
});

describe("approvals under requireLinkedIdentity", () => {
  it("applies an approval by a linked approver, and refuses the same click from an unlinked account with the approver's email", async () => {
    await runs.start();
    const alexId = e2e.worker.sandbox.tenant.user(ALEX.userPrincipalName)!.id;
    await link(PEOPLE.manager, MANAGER);
    const card = await approvalCard();

    const refused = await approve(IMPOSTOR, card);
    expect(refused).toContain(`You cannot approve ${card.approvalId}`);
    expect(refused).toContain(
      "the policy lets the approver role act from Slack only through an account linked to Entra by signing in, and your Slack account is not linked to Microsoft Entra",
    );
    // …with the way out offered: a sign-in link of its own.
    expect(refused).toMatch(START_LINK);
    expect(e2e.patches.get(alexId) ?? 0).toBe(0);
    const audit = await e2e.worker.deps().audit.forOperation(card.approvalId);
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: "approve", result: "refused", actor: MANAGER }),
      ]),
    );
    // The link offered is not written to the audit log.
    expect(JSON.stringify(audit)).not.toMatch(START_LINK);

    const approved = await approve(PEOPLE.manager, card);
    expect(approved).toContain(`You approved ${card.approvalId}.`);
    await e2e.fake.waitFor(
      // The summary comes as a message or as a file share (with its chart): either is a channel message.
      () => [...e2e.fake.messages.values()].find((m) => /Enable MFA: done/.test(blockText(m.blocks))),
      20_000,
    );
    expect(e2e.patches.get(alexId)).toBe(1);
  });

  it("takes the linked Entra user as the actor, whatever the Slack profile's email says", async () => {
    await runs.start();
    // The impostor links their account by signing in as Alex, who is no approver.
    const walk = await link(IMPOSTOR, ALEX.userPrincipalName);
    expect(walk.text).toContain(`is now linked to ${ALEX.userPrincipalName}`);
    const card = await approvalCard();
    const refused = await approve(IMPOSTOR, card);
    expect(refused).toContain("only the approvers named in the policy file can approve or reject requests");
    expect(refused).not.toMatch(START_LINK);
    // And an account whose profile names someone else acts as the approver it signed in as.
    await link(PEOPLE.isaiah, MANAGER);
    expect(await approve(PEOPLE.isaiah, card)).toContain(`You approved ${card.approvalId}.`);
    const decided = await e2e.worker.deps().operations.get(card.approvalId);
    expect(decided?.state.decidedBy).toBe(MANAGER);
  });

  it("stops counting a link whose Entra user is disabled or deleted", async () => {
    await runs.start();
    const tenant = e2e.worker.sandbox.tenant;
    await link(PEOPLE.manager, MANAGER);
    const card = await approvalCard();
    tenant.update(MANAGER, { accountEnabled: false });
    const refused = await approve(PEOPLE.manager, card);
    expect(refused).toContain(
      `your Slack account no longer counts: the Entra account it is linked to (${MANAGER}) is disabled`,
    );
    const listed = readSlack(await e2e.answerAt((await e2e.slash(PEOPLE.admin, "links")).responseUrl));
    expect(listed).toContain("the Entra account is disabled: the link does not count");

    tenant.update(MANAGER, { accountEnabled: true });
    expect(await approve(PEOPLE.manager, card)).toContain(`You approved ${card.approvalId}.`);

    // Deleted: the link names an object id nobody has any more.
    await link(PEOPLE.helpdesk, HELPDESK);
    tenant.deleteUser(HELPDESK);
    const listedAgain = readSlack(await e2e.answerAt((await e2e.slash(PEOPLE.admin, "links")).responseUrl));
    expect(listedAgain).toContain("the Entra account no longer exists: the link does not count");
  });
});

describe("forged or spoiled sign-ins link nothing", () => {
  it("refuses a callback with a state the bot never issued", async () => {
    await runs.start();
    const page = await new SignInBrowser().open(`${e2e.serveUrl}/auth/callback?code=forged&state=forged`);
    expect(page.status).toBe(400);
    expect(pageText(page.text)).toContain("This sign-in has expired or was already finished");
    expect(pageText(page.text)).toContain("Nothing was linked");
    expect(await links()).toEqual([]);
  });

  it("refuses a code replayed into another sign-in, and a sign-in finished in another browser", async () => {
    await runs.start();
    const first = await link(PEOPLE.manager, MANAGER);
    const code = new URL(first.callbackUrl!).searchParams.get("code")!;

    // The impostor starts a sign-in of their own and hands it the code the manager's redeemed.
    const { url } = await askForLink(IMPOSTOR);
    const browser = new SignInBrowser();
    const started = await browser.open(url);
    const state = new URL(started.location!).searchParams.get("state")!;
    const replayed = await browser.open(
      `${e2e.serveUrl}/auth/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`,
    );
    expect(replayed.status).toBe(400);
    expect(pageText(replayed.text)).toContain("Microsoft Entra refused the sign-in code");
    expect(pageText(replayed.text)).toContain("the sign-in code was already used");

    // A sign-in started in one browser and finished in another (a link sent on, say).
    const other = await askForLink(IMPOSTOR);
    const mine = new SignInBrowser();
    const toEntra = await mine.open(other.url);
    const authorize = new URL(toEntra.location!);
    authorize.searchParams.set("login_hint", MANAGER);
    const callback = (await mine.open(authorize.toString())).location!;
    const elsewhere = await new SignInBrowser().open(callback);
    expect(elsewhere.status).toBe(400);
    expect(pageText(elsewhere.text)).toContain("This sign-in was started in another browser");

    expect((await links()).map((l) => l.account.userId)).toEqual([PEOPLE.manager.id]);
  });

  const REFUSALS: Record<IdTokenFault, string> = {
    "foreign-key": "the ID token's signature does not match your tenant's published key",
    "unknown-kid": "the ID token is signed with a key your tenant does not publish",
    audience: "the ID token was issued to another application",
    issuer: 'the ID token was issued by "https://login.invalid/',
    tenant: "the ID token is from another tenant",
    nonce: "the ID token does not answer this sign-in (its nonce is not the one sent)",
    expired: "the ID token has expired",
  };

  it("refuses an ID token signed by another key, or for another audience, issuer, tenant or nonce, or expired", async () => {
    await runs.start();
    expect(Object.keys(REFUSALS).sort()).toEqual([...ID_TOKEN_FAULTS].sort());
    for (const fault of ID_TOKEN_FAULTS) {
      await spoilNextIdToken(fault);
      const walk = await link(IMPOSTOR, MANAGER);
      expect(walk.page.status, fault).toBe(400);
      expect(walk.text, fault).toContain("The sign-in was refused");
      expect(walk.text, fault).toContain(REFUSALS[fault]);
      expect(walk.text, fault).toContain("Nothing was linked");
    }
    expect(await links()).toEqual([]);
    // The sandbox's tokens are fine again, and so is the link.
    expect((await link(IMPOSTOR, MANAGER)).page.status).toBe(200);
  });

  it("refuses when the person cancels at Entra", async () => {
    await runs.start();
    const { url } = await askForLink(PEOPLE.manager);
    const browser = new SignInBrowser();
    const toEntra = await browser.open(url);
    const cancel = new URL(toEntra.location!);
    cancel.searchParams.set("deny", "1");
    const back = await browser.open(cancel.toString());
    const page = await browser.open(back.location!);
    expect(page.status).toBe(400);
    expect(pageText(page.text)).toContain("Microsoft Entra did not sign you in");
    expect(pageText(page.text)).toContain("access_denied: AADSTS65004");
    expect(await links()).toEqual([]);
  });
});
