#!/usr/bin/env node
// The published entry point runs the compiled CLI; `npm ci` builds it (the `prepare` script).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/src/cli.js", import.meta.url));
if (!existsSync(cli)) {
  console.error("mfa-bot: not built yet — run `npm run build` (npm ci does it for you).");
  process.exit(1);
}
await import(cli);
