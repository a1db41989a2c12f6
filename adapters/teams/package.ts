import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { isGuid } from "../../src/core/ids.js";
import { type SchemaProblem, validateTeamsManifest } from "./app-package/official-schema.js";
import { teamsManifestDir } from "./app-package/paths.js";
import { writeZip } from "./app-package/zip.js";

/**
 * The Teams app package: manifest.json with the bot's id filled in, and the two icons, zipped
 * at the top level as Teams expects. The manifest is checked against Microsoft's own schema for
 * the manifestVersion it names (from @microsoft/app-manifest) before anything is written.
 */
export interface TeamsPackageOptions {
  /** MicrosoftAppId: the bot's Entra app id, also used as the Teams app id. */
  appId: string;
  outFile: string;
  /** Shown on the app's details page; your organisation's pages. */
  websiteUrl?: string;
  privacyUrl?: string;
  termsOfUseUrl?: string;
  /** More domains for validDomains (e.g. the host the bot is served from). */
  validDomains?: string[];
  /** For tests: another manifest/teams directory. */
  manifestDir?: string;
}

export interface TeamsPackage {
  outFile: string;
  manifest: Record<string, unknown>;
}

/** Microsoft's page on per-user MFA, what the app administers, until an organisation sets its own. */
export const DEFAULT_WEBSITE_URL =
  "https://learn.microsoft.com/entra/identity/authentication/howto-mfa-userstates";

const HOST = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export class TeamsPackageError extends Error {
  override readonly name = "TeamsPackageError";

  constructor(
    message: string,
    readonly problems: SchemaProblem[] = [],
  ) {
    super(
      problems.length
        ? `${message}:\n${problems.map((p) => `  ${p.path || "/"} ${p.message}`).join("\n")}`
        : message,
    );
  }
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new TeamsPackageError(`manifest.json has a placeholder nobody fills: ${whole}`);
    // Values go inside JSON strings.
    return JSON.stringify(value).slice(1, -1);
  });
}

export async function teamsManifest(
  options: Omit<TeamsPackageOptions, "outFile">,
): Promise<Record<string, unknown>> {
  if (!isGuid(options.appId)) {
    throw new TeamsPackageError("MicrosoftAppId must be the bot's Entra application (client) id, a GUID");
  }
  const dir = options.manifestDir ?? teamsManifestDir();
  const website = options.websiteUrl ?? DEFAULT_WEBSITE_URL;
  const text = fill(await readFile(join(dir, "manifest.json"), "utf8"), {
    MicrosoftAppId: options.appId.toLowerCase(),
    WebsiteUrl: website,
    PrivacyUrl: options.privacyUrl ?? website,
    TermsOfUseUrl: options.termsOfUseUrl ?? website,
  });
  const manifest = JSON.parse(text) as Record<string, unknown>;
  for (const domain of options.validDomains ?? []) {
    if (!HOST.test(domain)) throw new TeamsPackageError(`"${domain}" is not a domain name for validDomains`);
    const domains = (manifest.validDomains ?? []) as string[];
    if (!domains.includes(domain)) manifest.validDomains = [...domains, domain];
  }
  const problems = await validateTeamsManifest(manifest);
  if (problems.length > 0)
    throw new TeamsPackageError("the Teams manifest does not match its schema", problems);
  return manifest;
}

export async function buildTeamsPackage(options: TeamsPackageOptions): Promise<TeamsPackage> {
  const dir = options.manifestDir ?? teamsManifestDir();
  const manifest = await teamsManifest({ ...options, manifestDir: dir });
  const icons = manifest.icons as { color: string; outline: string };
  const zip = writeZip([
    { name: "manifest.json", data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: icons.color, data: await readFile(join(dir, icons.color)) },
    { name: icons.outline, data: await readFile(join(dir, icons.outline)) },
  ]);
  await mkdir(dirname(options.outFile), { recursive: true });
  await writeFile(options.outFile, zip);
  return { outFile: options.outFile, manifest };
}
