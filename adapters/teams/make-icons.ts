import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { teamsManifestDir } from "./app-package/paths.js";
import { encodePng, type Image } from "./app-package/png.js";

/**
 * The Teams app icons, drawn here rather than taken from anywhere: a padlock. The colour icon
 * is 192×192 on the app's accent colour; the outline icon is 32×32, white on transparent, as
 * Teams requires. Run `node dist/adapters/teams/make-icons.js` after changing the drawing;
 * a test checks the committed PNGs are what this draws.
 */

type Rgba = readonly [number, number, number, number];

export const ACCENT: Rgba = [0x2b, 0x57, 0x97, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

function roundedRect(
  x: number,
  y: number,
  cx: number,
  cy: number,
  hw: number,
  hh: number,
  r: number,
): boolean {
  const dx = Math.max(Math.abs(x - cx) - (hw - r), 0);
  const dy = Math.max(Math.abs(y - cy) - (hh - r), 0);
  return dx * dx + dy * dy <= r * r;
}

/** In unit coordinates (0..1 across the icon). */
function padlockAt(x: number, y: number): "lock" | "hole" | "none" {
  const body = roundedRect(x, y, 0.5, 0.61, 0.23, 0.17, 0.045);
  const ringRadius = 0.135;
  const thickness = 0.06;
  const distance = Math.hypot(x - 0.5, y - 0.44);
  const arc = y <= 0.44 && Math.abs(distance - ringRadius) <= thickness / 2;
  const legs = y > 0.44 && y < 0.5 && Math.abs(Math.abs(x - 0.5) - ringRadius) <= thickness / 2;
  const keyhole = Math.hypot(x - 0.5, y - 0.58) <= 0.04 || roundedRect(x, y, 0.5, 0.645, 0.017, 0.05, 0.012);
  if (body && keyhole) return "hole";
  return body || arc || legs ? "lock" : "none";
}

/** Supersampled 4×4 a pixel, blended in premultiplied alpha so edges are smooth on any background. */
function draw(size: number, background: Rgba, lock: Rgba, hole: Rgba): Image {
  const samples = 4;
  const rgba = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          const where = padlockAt(x, y);
          const colour = where === "lock" ? lock : where === "hole" ? hole : background;
          const alpha = colour[3] / 255;
          sum[0]! += colour[0] * alpha;
          sum[1]! += colour[1] * alpha;
          sum[2]! += colour[2] * alpha;
          sum[3]! += alpha;
        }
      }
      const at = (py * size + px) * 4;
      const coverage = sum[3]!;
      for (let c = 0; c < 3; c++) rgba[at + c] = coverage > 0 ? Math.round(sum[c]! / coverage) : 0;
      rgba[at + 3] = Math.round((coverage / (samples * samples)) * 255);
    }
  }
  return { width: size, height: size, rgba };
}

export function colorIcon(): Buffer {
  return encodePng(draw(192, ACCENT, WHITE, ACCENT));
}

export function outlineIcon(): Buffer {
  return encodePng(draw(32, CLEAR, WHITE, CLEAR));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = teamsManifestDir();
  writeFileSync(join(dir, "color.png"), colorIcon());
  writeFileSync(join(dir, "outline.png"), outlineIcon());
  console.log(`wrote ${join(dir, "color.png")} and ${join(dir, "outline.png")}`);
}
