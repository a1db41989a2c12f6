/**
 * Just enough of a browser to go through a sign-in against the sandbox without one: it follows
 * redirects one at a time and keeps the cookies it is given (by name, for every URL — the sign-in
 * touches one `serve` and one sandbox), so the demo's `sandbox link` line and the tests walk the
 * same path a person's browser does: `/auth/start` → the authorize endpoint (a `login_hint` picks
 * the user, the sandbox having no passwords) → `/auth/callback`.
 */

export interface Visit {
  url: string;
  status: number;
  /** Where a redirect points, absolute. */
  location?: string;
  text: string;
}

export interface SignInWalk {
  /** The page the walk ended on: the callback's result, or whatever stopped it. */
  page: Visit;
  authorizeUrl?: string;
  callbackUrl?: string;
}

export class SignInBrowser {
  private readonly cookies = new Map<string, string>();

  /** One request, as a browser would send it; a redirect is reported, not followed. */
  async open(url: string): Promise<Visit> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
    for (const set of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = set.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = response.headers.get("location");
    return {
      url,
      status: response.status,
      ...(location ? { location: new URL(location, url).toString() } : {}),
      text: await response.text(),
    };
  }

  /** A whole sign-in from a one-time link, signing in as `loginHint`. */
  async signIn(startUrl: string, loginHint: string): Promise<SignInWalk> {
    const start = await this.open(startUrl);
    if (!start.location) return { page: start };
    const authorize = new URL(start.location);
    authorize.searchParams.set("login_hint", loginHint);
    const authorizeUrl = authorize.toString();
    const signedIn = await this.open(authorizeUrl);
    if (!signedIn.location) return { page: signedIn, authorizeUrl };
    const callbackUrl = signedIn.location;
    return { page: await this.open(callbackUrl), authorizeUrl, callbackUrl };
  }
}

/** The visible text of an HTML page, for matching what a person reads. */
export function pageText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/gi, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/\s+/g, " ")
    .trim();
}
