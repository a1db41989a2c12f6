import { summarizePlan } from "../core/plan.js";
import type { PlanItem } from "../core/plan-types.js";
import { approvalStatusOf } from "../core/statuses.js";
import type { ApprovalView } from "../notify/outcome.js";
import type { Operation, OperationState } from "../operations/operation.js";

/** How many names an approval card lists per category before "and N more". */
export const PREVIEW_NAMES = 10;

function firstOf<T>(items: T[]): { shown: T[]; more: number } {
  return { shown: items.slice(0, PREVIEW_NAMES), more: Math.max(0, items.length - PREVIEW_NAMES) };
}

type Item<K extends PlanItem["kind"]> = Extract<PlanItem, { kind: K }>;

/** The approval card's content: exactly what the plan (and so its hash) says. */
export function approvalView(
  op: Operation,
  state: OperationState,
  outcomeText?: string,
  options: { allNames?: boolean } = {},
): ApprovalView {
  const items = op.plan.items;
  const changes = firstOf(items.filter((i): i is Item<"change"> => i.kind === "change"));
  const noops = firstOf(items.filter((i): i is Item<"noop"> => i.kind === "noop"));
  const refused = firstOf(items.filter((i): i is Item<"refused"> => i.kind === "refused"));
  const notFound = firstOf(items.filter((i): i is Item<"notFound"> => i.kind === "notFound"));
  return {
    id: op.id,
    action: op.plan.action,
    bulk: op.plan.bulk,
    requester: op.requester.upn,
    ...(op.reason ? { reason: op.reason } : {}),
    createdAt: op.createdAt,
    expiresAt: op.expiresAt,
    status: approvalStatusOf(state.status),
    operationStatus: state.status,
    ...(state.decidedBy ? { decidedBy: state.decidedBy } : {}),
    ...(state.decidedAt ? { decidedAt: state.decidedAt } : {}),
    ...((op.quorum ?? 1) > 1
      ? { quorum: { needed: op.quorum ?? 1, approvedBy: state.approvals.map((a) => a.by) } }
      : {}),
    counts: summarizePlan(op.plan),
    changes: { users: changes.shown.map((i) => ({ upn: i.upn })), more: changes.more },
    unchanged: { users: noops.shown.map((i) => ({ upn: i.upn, reason: i.reason })), more: noops.more },
    refused: {
      users: refused.shown.map((i) => ({ ref: i.upn ?? i.ref, reason: i.reason })),
      more: refused.more,
    },
    notFound: { refs: notFound.shown.map((i) => i.ref), more: notFound.more },
    approvalReasons: op.plan.approvalReasons,
    warnings: op.plan.warnings,
    ...(outcomeText ? { outcomeText } : {}),
    ...(options.allNames && [changes, noops, refused, notFound].some((l) => l.more > 0)
      ? {
          allNames: {
            change: items.flatMap((i) => (i.kind === "change" ? [i.upn] : [])),
            unchanged: items.flatMap((i) => (i.kind === "noop" ? [i.upn] : [])),
            refused: items.flatMap((i) => (i.kind === "refused" ? [i.upn ?? i.ref] : [])),
            notFound: items.flatMap((i) => (i.kind === "notFound" ? [i.ref] : [])),
          },
        }
      : {}),
  };
}
