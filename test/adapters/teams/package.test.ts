import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateTeamsManifest } from "../../../adapters/teams/app-package/official-schema.js";
import { teamsManifestDir } from "../../../adapters/teams/app-package/paths.js";
import { colorIcon, outlineIcon } from "../../../adapters/teams/make-icons.js";
import { buildTeamsPackage, TeamsPackageError, teamsManifest } from "../../../adapters/teams/package.js";
import { parseCommand } from "../../../src/core/grammar.js";
import { pngSize, readZip } from "./read-zip.js";

const APP_ID = "5F0C6D1E-7A2B-4C3D-9E8F-0A1B2C3D4E5F";
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "mfa-bot-teams-"));
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe("the Teams app package", () => {
  it("zips manifest.json with the bot id filled in and both icons, and the manifest validates offline", async () => {
    const outFile = join(out, "nested", "app.zip");
    await buildTeamsPackage({ appId: APP_ID, outFile, validDomains: ["mfa-bot.contoso.com"] });
    const files = readZip(await readFile(outFile));
    expect([...files.keys()].sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const crc32 = (zlib as { crc32?: (data: Buffer) => number }).crc32;
    for (const [, file] of files) if (crc32) expect(crc32(file.data)).toBe(file.crc);

    const manifest = JSON.parse(files.get("manifest.json")!.data.toString("utf8"));
    expect(manifest.manifestVersion).toBe("1.17");
    expect(manifest.$schema).toBe(
      "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json",
    );
    expect(manifest.id).toBe(APP_ID.toLowerCase());
    expect(manifest.bots[0].botId).toBe(APP_ID.toLowerCase());
    expect(manifest.bots[0].scopes).toEqual(["personal", "team", "groupChat"]);
    expect(manifest.validDomains).toEqual(["token.botframework.com", "mfa-bot.contoso.com"]);
    expect(JSON.stringify(manifest)).not.toContain("{{");
    expect(await validateTeamsManifest(manifest)).toEqual([]);

    expect(pngSize(files.get(manifest.icons.color)!.data)).toEqual({ width: 192, height: 192 });
    expect(pngSize(files.get(manifest.icons.outline)!.data)).toEqual({ width: 32, height: 32 });
  });

  it("lists commands the grammar knows, each with a description", async () => {
    const manifest = await teamsManifest({ appId: APP_ID });
    const commands = (
      manifest.bots as Array<{ commandLists: Array<{ commands: Array<{ title: string }> }> }>
    )[0]!.commandLists[0]!.commands;
    for (const { title } of commands) {
      const parsed = parseCommand(title);
      // A bare verb either parses or asks for its arguments; it is never an unknown command.
      if (!parsed.ok) expect(parsed.error).not.toMatch(/unknown command/);
    }
  });

  it("refuses an app id that is not a GUID", async () => {
    await expect(
      buildTeamsPackage({ appId: "{{MicrosoftAppId}}", outFile: join(out, "x.zip") }),
    ).rejects.toThrow(TeamsPackageError);
  });

  it("refuses a manifest the schema rejects, naming what is wrong", async () => {
    await expect(teamsManifest({ appId: APP_ID, validDomains: ["not a domain"] })).rejects.toThrow(
      /validDomains/,
    );
    const tooLong = await teamsManifest({ appId: APP_ID, websiteUrl: "ftp://example.com/" }).catch(
      (err) => err,
    );
    expect(tooLong).toBeInstanceOf(TeamsPackageError);
    expect((tooLong as TeamsPackageError).problems.map((p) => p.path)).toContain("/developer/websiteUrl");
  });

  it("ships the icons make-icons.ts draws: colour on the accent colour, outline white on transparent", async () => {
    const dir = teamsManifestDir();
    expect(await readFile(join(dir, "color.png"))).toEqual(colorIcon());
    expect(await readFile(join(dir, "outline.png"))).toEqual(outlineIcon());

    const pixels = decodeRgba(outlineIcon());
    for (let i = 0; i < pixels.length; i += 4) {
      const alpha = pixels[i + 3]!;
      if (alpha > 0) expect([pixels[i], pixels[i + 1], pixels[i + 2]]).toEqual([255, 255, 255]);
    }
    expect(pixels[3]).toBe(0);
  });
});

describe("the manifest schema check (Microsoft's schema from @microsoft/app-manifest)", () => {
  it("catches what the published schema does: unknown keys, wrong enums, limits, missing fields", async () => {
    const manifest = await teamsManifest({ appId: APP_ID });
    const broken = structuredClone(manifest) as Record<string, unknown> & {
      bots: Array<{ scopes: string[]; commandLists: Array<{ commands: unknown[] }> }>;
      name: { short: string; full?: string };
      description: { full?: string };
    };
    broken.validDomain = ["typo.example.com"];
    broken.bots[0]!.scopes = ["personal", "channel"];
    broken.name.short = "x".repeat(31);
    broken.accentColor = "blue";
    delete broken.description.full;
    // v1.17 requires name.full, which the hand-written subset did not.
    delete broken.name.full;
    broken.bots[0]!.commandLists[0]!.commands.push({ title: "eleven", description: "one too many" });
    const problems = new Set((await validateTeamsManifest(broken)).map((p) => p.path));
    for (const path of [
      "/validDomain",
      "/bots/0/scopes/1",
      "/name/short",
      "/name",
      "/accentColor",
      "/description",
      "/bots/0/commandLists/0/commands",
    ]) {
      expect(problems).toContain(path);
    }
  });

  it("refuses a manifest version that has no published schema", async () => {
    const manifest = await teamsManifest({ appId: APP_ID });
    expect(await validateTeamsManifest({ ...manifest, manifestVersion: "9.99" })).toEqual([
      { path: "/manifestVersion", message: "has no published schema in @microsoft/app-manifest (9.99)" },
    ]);
  });
});

function decodeRgba(png: Buffer): Buffer {
  const chunks: Buffer[] = [];
  let width = 0;
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString("ascii", at + 4, at + 8);
    if (type === "IHDR") width = png.readUInt32BE(at + 8);
    if (type === "IDAT") chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(chunks));
  const stride = width * 4 + 1;
  return Buffer.concat(
    Array.from({ length: raw.length / stride }, (_, y) => raw.subarray(y * stride + 1, (y + 1) * stride)),
  );
}
