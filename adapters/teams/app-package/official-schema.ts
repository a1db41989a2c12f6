import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import ajvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";

export interface SchemaProblem {
  /** JSON Pointer to the offending value, "" for the root. */
  path: string;
  message: string;
}

const require = createRequire(import.meta.url);
// CommonJS packages: their `default` export is the class / function itself.
const Ajv04 = ajvDraft04.default;
const addFormats = ajvFormats.default;

/**
 * The Teams manifest schemas Microsoft publishes, as shipped in `@microsoft/app-manifest`
 * (build/json-schemas/teams/v<version>/MicrosoftTeams.schema.json): the official ones, offline.
 */
function schemaPath(manifestVersion: string): string {
  const root = dirname(require.resolve("@microsoft/app-manifest/package.json"));
  return join(root, "build", "json-schemas", "teams", `v${manifestVersion}`, "MicrosoftTeams.schema.json");
}

/**
 * Checks a manifest against the official schema of the `manifestVersion` it names. The
 * schemas declare JSON Schema draft-04 (with `const` from later drafts, which Ajv's draft-04
 * build understands); formats (uri, email…) are checked too.
 */
export async function validateTeamsManifest(manifest: Record<string, unknown>): Promise<SchemaProblem[]> {
  const version = manifest.manifestVersion;
  if (typeof version !== "string" || !/^\d+\.\d+$|^devPreview$/.test(version)) {
    return [{ path: "/manifestVersion", message: "must name a published manifest version, such as 1.17" }];
  }
  const path = schemaPath(version === "devPreview" ? "DevPreview" : version);
  if (!existsSync(path)) {
    return [
      {
        path: "/manifestVersion",
        message: `has no published schema in @microsoft/app-manifest (${version})`,
      },
    ];
  }
  const schema = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  const ajv = new Ajv04({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map(
    (error: { instancePath: string; keyword: string; message?: string; params: object }) => {
      const extra = (error.params as { additionalProperty?: string }).additionalProperty;
      return extra
        ? {
            path: `${error.instancePath}/${extra}`,
            message: "is not a property this manifest version defines",
          }
        : { path: error.instancePath, message: error.message ?? error.keyword };
    },
  );
}
