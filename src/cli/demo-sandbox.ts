import { z } from "zod";

/**
 * The demo's `sandbox …` lines: what happens outside the bot, done through the sandbox's
 * admin routes (`/_sandbox/…`), so the demo can show a user registering (Enabled →
 * Enforced, reminders stopping) or the tenant moving to security defaults.
 */

export const SANDBOX_LINES_HELP = [
  "sandbox sign-in <upn>            the user signs in (and registers when asked to)",
  "sandbox register <upn> [type]    the user registers a method at mysecurityinfo",
  "sandbox security-defaults on|off the tenant moves to (or off) security defaults",
];

const userAnswer = z.object({
  registered: z.boolean().optional(),
  user: z.object({ userPrincipalName: z.string(), perUserMfaState: z.string(), mustReregister: z.boolean() }),
});
/** `policies`: the tenant's Conditional Access policies as the admin center lists them. */
export function sandboxLines(
  sandboxUrl: string,
  policies: () => ReadonlyArray<{ id: string; displayName: string; state: string }>,
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

  return {
    handles: (line: string) => /^sandbox(\s|$)/i.test(line),
    async run(line: string): Promise<string> {
      const [, verb = "", arg, extra] = line.trim().split(/\s+/);
      if (verb === "sign-in" && arg) return signIn(arg);
      if (verb === "register" && arg) return register(arg, extra);
      if (verb === "security-defaults" && (arg === "on" || arg === "off"))
        return securityDefaults(arg === "on");
      return ["sandbox lines (the demo only):", ...SANDBOX_LINES_HELP.map((l) => `  ${l}`)].join("\n");
    },
  };
}
