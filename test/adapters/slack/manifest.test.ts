import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { SLACK_EVENTS_PATH } from "../../../adapters/slack/app.js";

const manifest = await readFile(new URL("../../../manifest/slack-app.yaml", import.meta.url), "utf8");

/** The `- item` lines of the block that starts with `key:` at the given indentation. */
function listUnder(key: string, indent: number): string[] {
  const lines = manifest.split("\n");
  const start = lines.indexOf(`${" ".repeat(indent)}${key}:`);
  expect(start).toBeGreaterThan(-1);
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*#/.test(line)) continue;
    const item = /^\s+- (\S+)$/.exec(line);
    if (!item) break;
    items.push(item[1]!);
  }
  return items;
}

describe("manifest/slack-app.yaml", () => {
  it("asks for exactly the bot scopes the adapter and notifier use", () => {
    expect(listUnder("bot", 4).sort()).toEqual(
      [
        "chat:write",
        "commands",
        "files:write",
        "im:write",
        "usergroups:read",
        "users:read",
        "users:read.email",
      ].sort(),
    );
  });

  it("points /mfa and interactivity at the one events URL, escaped, with Socket Mode off", () => {
    expect(manifest).toContain("    - command: /mfa\n");
    expect(manifest).toContain(`      url: https://YOUR-HOST${SLACK_EVENTS_PATH}\n`);
    expect(manifest).toContain(`    request_url: https://YOUR-HOST${SLACK_EVENTS_PATH}\n`);
    expect(manifest).toMatch(/^ {6}should_escape: true$/m);
    expect(manifest).toMatch(/^ {6}usage_hint: \S/m);
    expect(manifest).toMatch(/^ {2}socket_mode_enabled: false$/m);
    expect(manifest).not.toMatch(/\t/);
  });

  it("has a long description of the length Slack requires (175 to 4000 characters)", () => {
    const block = /long_description: >-\n((?: {4}.*\n)+)/.exec(manifest)?.[1] ?? "";
    const text = block.replace(/\s+/g, " ").trim();
    expect(text.length).toBeGreaterThanOrEqual(175);
    expect(text.length).toBeLessThanOrEqual(4000);
  });
});
