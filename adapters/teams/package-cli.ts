import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildTeamsPackage, TeamsPackageError } from "./package.js";

/**
 * `npm run teams:package [-- --out FILE --domain HOST --website-url URL --privacy-url URL --terms-url URL]`:
 * the Teams app zip to upload (Teams admin center, or Apps > Manage your apps > Upload), with
 * the bot id taken from MicrosoftAppId.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: "dist/teams/mfa-bot-teams.zip" },
      domain: { type: "string", multiple: true },
      "website-url": { type: "string" },
      "privacy-url": { type: "string" },
      "terms-url": { type: "string" },
    },
  });
  const appId = process.env.MicrosoftAppId?.trim() ?? "";
  if (!appId) {
    console.error("teams:package: set MicrosoftAppId to the bot's Entra application (client) id");
    return 2;
  }
  try {
    const result = await buildTeamsPackage({
      appId,
      outFile: resolve(values.out),
      ...(values.domain ? { validDomains: values.domain } : {}),
      ...(values["website-url"] ? { websiteUrl: values["website-url"] } : {}),
      ...(values["privacy-url"] ? { privacyUrl: values["privacy-url"] } : {}),
      ...(values["terms-url"] ? { termsOfUseUrl: values["terms-url"] } : {}),
    });
    console.log(
      `teams:package: wrote ${result.outFile} — upload it in Teams (Apps > Manage your apps > Upload an app)`,
    );
    return 0;
  } catch (err) {
    if (err instanceof TeamsPackageError) {
      console.error(`teams:package: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await main();
