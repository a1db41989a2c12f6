import { z } from "zod";
import { pageText, SignInBrowser } from "../sandbox/sign-in-browser.js";

/**
 * The demo's `sandbox …` lines: what happens outside the bot, done through the sandbox's
 * admin routes (`/_sandbox/…`), so the demo can show a user registering (Enabled →
 * Enforced, reminders stopping) or the tenant moving to security defaults.
 */

export const SANDBOX_LINES_HELP = [
  "sandbox sign-in <upn>            the user signs in (and registers when asked to)",
  "sandbox register <upn> [type]    the user registers a method at mysecurityinfo",
  "sandbox security-defaults on|off the tenant moves to (or off) security defaults",
  "sandbox link [<upn>]             a Slack user types /mfa link and signs in as <upn> (no <upn>: open the link yourself)",
];

/** The demo's stand-in for a Slack user typing `/mfa link`: a fresh one-time sign-in link. */
export interface DemoSignIn {
  /** The Slack account the demo links (no Slack runs in the demo). */
  account: string;
  startLink(): Promise<string>;
}

const userAnswer = z.object({
  registered: z.boolean().optional(),
  user: z.object({ userPrincipalName: z.string(), perUserMfaState: z.string(), mustReregister: z.boolean() }),
});
/** `policies`: the tenant's Conditional Access policies as the admin center lists them. */
export function sandboxLines(
  sandboxUrl: string,
  policies: () => ReadonlyArray<{ id: string; displayName: string; state: string }>,
  linking?: DemoSignIn,
) {
  async function post(path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${sandboxUrl}/_sandbox/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  }

  const failure = (reply: { status: number; body: unknown }) =>
    `✖ the sandbox said ${reply.status}: ${JSON.stringify(reply.body)}`;

  async function signIn(upn: string): Promise<string> {
    const reply = await post(`users/${encodeURIComponent(upn)}/sign-in`);
    const parsed = userAnswer.safeParse(reply.body);
    if (reply.status !== 200 || !parsed.success) return failure(reply);
    const { user, registered } = parsed.data;
    if (registered) {
      return `${user.userPrincipalName} signed in, was asked to register and registered the Authenticator app: now ${user.perUserMfaState}`;
    }
    const why = user.mustReregister
      ? " (registration details from before are on record: the user stays Enabled until made to re-register)"
      : "";
    return `${user.userPrincipalName} signed in; not asked to register${why}: still ${user.perUserMfaState}`;
  }

  async function register(upn: string, type: string | undefined): Promise<string> {
    const reply = await post(`users/${encodeURIComponent(upn)}/register`, type ? { type } : {});
    const parsed = userAnswer.safeParse(reply.body);
    if (reply.status !== 200 || !parsed.success) return failure(reply);
    return `${parsed.data.user.userPrincipalName} registered ${type ?? "the Authenticator app"}: now ${parsed.data.user.perUserMfaState}`;
  }

  async function securityDefaults(on: boolean): Promise<string> {
    const lines: string[] = [];
    if (on) {
      // Entra requires enabled Conditional Access policies off before security defaults go on.
      for (const policy of policies().filter((p) => p.state === "enabled")) {
        const reply = await post(`conditional-access/policies/${policy.id}`, { state: "disabled" });
        if (reply.status !== 200) return failure(reply);
        lines.push(`Conditional Access policy "${policy.displayName}" turned off`);
      }
    }
    const reply = await post("security-defaults", { isEnabled: on });
    if (reply.status !== 200) return failure(reply);
    lines.push(`security defaults ${on ? "on" : "off"}`);
    return lines.join("\n");
  }

  /**
   * `/mfa link` and the sign-in after it, through `serve`'s /auth/start and /auth/callback and the
   * sandbox's authorize endpoint: with a UPN, a login_hint picks the user; without one, the person
   * opens the link in a browser and picks a user on the sandbox's page.
   */
  async function link(upn: string | undefined): Promise<string> {
    if (!linking) return "✖ sign-in is not running in this demo";
    const url = await linking.startLink();
    if (!upn) {
      return `${linking.account} typed /mfa link. Open this one-time link in a browser (it works once, for 10 minutes) and pick who signs in on the sandbox's page:\n  ${url}`;
    }
    const walk = await new SignInBrowser().signIn(url, upn);
    const mark = walk.page.status === 200 ? "✔" : "✖";
    return `${linking.account} typed /mfa link and signed in as ${upn}: ${mark} ${pageText(walk.page.text)}`;
  }

  return {
    handles: (line: string) => /^sandbox(\s|$)/i.test(line),
    async run(line: string): Promise<string> {
      const [, verb = "", arg, extra] = line.trim().split(/\s+/);
      if (verb === "sign-in" && arg) return signIn(arg);
      if (verb === "register" && arg) return register(arg, extra);
      if (verb === "security-defaults" && (arg === "on" || arg === "off"))
        return securityDefaults(arg === "on");
      if (verb === "link") return link(arg);
      return ["sandbox lines (the demo only):", ...SANDBOX_LINES_HELP.map((l) => `  ${l}`)].join("\n");
    },
  };
}
