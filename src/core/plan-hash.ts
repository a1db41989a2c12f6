import { createHash } from "node:crypto";
import type { Plan, PlanItem } from "./plan-types.js";

/**
 * An approval is bound to exactly what was shown: the hash covers what the plan would
 * do (who, from what, to what, with which flags), not how it is worded or in which order
 * the targets were typed. Reasons and warnings are derived text and stay out, so a
 * rewording does not invalidate pending approvals; a refusal's rule stays in.
 */
type HashedPlan = Pick<Plan, "action" | "bulk" | "items" | "requiresApproval">;

function substance(item: PlanItem): Record<string, unknown> {
  switch (item.kind) {
    case "change":
      return {
        kind: item.kind,
        userId: item.userId,
        op: item.op,
        from: item.from,
        to: item.to,
        flags: [...item.flags].sort(),
      };
    case "noop":
      return { kind: item.kind, userId: item.userId, from: item.state };
    case "refused":
      return item.userId === undefined
        ? { kind: item.kind, ref: item.ref, rule: item.rule }
        : { kind: item.kind, userId: item.userId, rule: item.rule };
    case "notFound":
      return { kind: item.kind, ref: item.ref };
  }
}

function sortKey(item: PlanItem): string {
  if (item.kind === "notFound") return item.ref;
  if (item.kind === "refused") return item.userId ?? item.ref;
  return item.userId;
}

/** Code-unit order, not localeCompare: the hash must not depend on the machine's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function planHash(p: HashedPlan): string {
  const items = p.items
    .map((item) => ({ key: sortKey(item), json: JSON.stringify(substance(item)) }))
    .sort((a, b) => compare(a.key, b.key) || compare(a.json, b.json))
    .map((entry) => entry.json);
  // Fixed key order; items are already canonical JSON strings.
  const canonical = `{"action":${JSON.stringify(p.action)},"bulk":${p.bulk},"requiresApproval":${p.requiresApproval},"items":[${items.join(",")}]}`;
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}
