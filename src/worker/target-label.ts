import { groupRef } from "../core/ids.js";
import type { DirectoryTarget } from "../queue/jobs.js";

/** How a directory target reads in a message. */
export function targetLabel(target: DirectoryTarget): string {
  if (target.label) return target.label;
  if (target.kind === "upn") return target.upn;
  return target.kind === "group" ? groupRef(target.id) : target.id;
}
