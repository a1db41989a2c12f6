import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * manifest/teams/, found by walking up from this file: the same code runs from the sources
 * (adapters/teams/…) in tests and from dist/adapters/teams/… once built.
 */
export function teamsManifestDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const candidate = join(dir, "manifest", "teams");
    if (existsSync(join(candidate, "manifest.json"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`manifest/teams/manifest.json not found above ${from}`);
    dir = parent;
  }
}
