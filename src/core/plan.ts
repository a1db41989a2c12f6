import { CHANGE_ACTIONS } from "./actions.js";
import { authorize, type Permission } from "./permissions.js";
import { planHash } from "./plan-hash.js";
import { planTarget, RULES } from "./plan-item.js";
import type { Plan, PlanItem, PlanRequest, TargetView } from "./plan-types.js";
import type { ApprovableAction } from "./roles.js";
import { verbAnsweringTo, wordsOf } from "./verbs.js";

/**
 * The engine: given a change request, the actor and the directory's current view of each
 * target, say what would happen to each target and why. Pure and deterministic, so a
 * preview, the approval card and the execution all agree (the hash binds them).
 */
export function plan(req: PlanRequest): Plan {
  const denial = permissionDenial(req);
  const items: PlanItem[] = req.targets.map((target) =>
    denial === null ? planTarget(req.action, target, req.restoreTo) : refusePermission(target, denial),
  );
  const approvalReasons = approvalReasonsFor(req, items);
  const requiresApproval = approvalReasons.length > 0;
  const substance = { action: req.action, bulk: req.bulk, items, requiresApproval };
  return {
    ...substance,
    approvalReasons,
    warnings: warningsFor(req, items),
    hash: planHash(substance),
  };
}

export interface PlanSummary {
  change: number;
  noop: number;
  refused: number;
  notFound: number;
  /** Changes after which the user must re-register before they become Enforced. */
  reregistrationNeeded: number;
}

export function summarizePlan(p: Pick<Plan, "items">): PlanSummary {
  const summary: PlanSummary = { change: 0, noop: 0, refused: 0, notFound: 0, reregistrationNeeded: 0 };
  for (const item of p.items) {
    summary[item.kind] += 1;
    if (item.kind === "change" && item.flags.includes("reregistration-needed"))
      summary.reregistrationNeeded += 1;
  }
  return summary;
}

/** A bulk request needs the bulk permission as well as the action's own. */
function permissionDenial(req: PlanRequest): string | null {
  const needed: Permission[] = req.bulk ? ["bulk", req.action] : [req.action];
  for (const permission of needed) {
    const verdict = authorize(req.actor, permission);
    if (!verdict.ok) return verdict.reason;
  }
  return null;
}

function refusePermission(target: TargetView, reason: string): PlanItem {
  if (target.user === null) return { kind: "refused", ref: target.ref, reason, rule: RULES.permission };
  return {
    kind: "refused",
    ref: target.ref,
    userId: target.user.id,
    upn: target.user.upn,
    reason,
    rule: RULES.permission,
  };
}

/**
 * A bulk request answers to the `bulk` entry and to its action's own entry: a policy that
 * guards `disable` must not be sidestepped by disabling in bulk.
 */
function approvalReasonsFor(req: PlanRequest, items: readonly PlanItem[]): string[] {
  const changes = items.filter((item) => item.kind === "change");
  if (changes.length === 0) return [];
  const reasons: string[] = [];
  const names = [req.bulk ? "bulk" : null, CHANGE_ACTIONS[req.action].policy].filter(
    (name): name is ApprovableAction => name !== null,
  );
  for (const name of names) {
    if (req.policy.requireApproval.includes(name)) {
      // "bulk" names the request's kind; say which bulk it is (a bulk convert or undo too).
      const label =
        name === "bulk"
          ? `bulk ${req.action === "convert" ? "changes" : req.action}`
          : wordsOf(verbAnsweringTo(name));
      reasons.push(`the policy requires approval for ${label}`);
    }
  }
  const defaultsOnly = changes
    .filter((item) => item.flags.includes("security-defaults-only"))
    .map((item) => item.upn);
  if (defaultsOnly.length > 0) {
    reasons.push(
      `an approver must acknowledge that ${listUsers(defaultsOnly)} ${defaultsOnly.length === 1 ? "is" : "are"} ` +
        "covered only by security defaults: security defaults only prompt when necessary, not at every sign-in " +
        "as per-user MFA does",
    );
  }
  const unprotected = changes.filter((item) => item.flags.includes("leaves-no-mfa")).map((item) => item.upn);
  if (unprotected.length > 0) {
    const them = unprotected.length === 1 ? "them" : "them all";
    reasons.push(
      `an approver must sign off: this would leave ${listUsers(unprotected)} with no MFA at all, ` +
        `because no Conditional Access policy or security defaults cover ${them}`,
    );
  }
  return reasons;
}

function warningsFor(req: PlanRequest, items: readonly PlanItem[]): string[] {
  const warnings: string[] = [];
  const changes = items.filter((item) => item.kind === "change");
  const covered = new Set(
    req.targets.filter((t) => t.user !== null && t.coveredByConditionalAccess).map((t) => t.user?.id),
  );

  const reregister = changes.filter((c) => c.flags.includes("reregistration-needed")).length;
  if (reregister > 0) {
    warnings.push(
      `${users(reregister)} already ${reregister === 1 ? "has" : "have"} registration details and must re-register; ` +
        "until then their state stays Enabled",
    );
  }

  const legacy = changes.filter((c) => c.flags.includes("legacy-apps-need-app-passwords")).length;
  if (legacy > 0) {
    warnings.push(
      `${users(legacy)} will be Enforced: non-browser apps that don't support modern authentication ` +
        "stop working until they create app passwords",
    );
  }

  const combined = changes.filter((c) => c.op === "setState" && c.to !== "disabled" && covered.has(c.userId));
  if (combined.length > 0) {
    warnings.push(
      "Conditional Access is the recommended way; don't combine per-user MFA with it: " +
        `${listUsers(combined.map((c) => c.upn))} ${combined.length === 1 ? "is" : "are"} already covered ` +
        "by Conditional Access or security defaults",
    );
  }

  const defaultsOnly = changes.filter((c) => c.flags.includes("security-defaults-only")).length;
  if (defaultsOnly > 0) {
    warnings.push(
      `${users(defaultsOnly)} will be protected by security defaults alone: security defaults only prompt ` +
        "when necessary (registration, administrators, risky sign-ins), not at every sign-in",
    );
  }

  const uncovered = items.filter((i) => i.kind === "refused" && i.rule === RULES.convertUncovered).length;
  if (uncovered > 0) {
    warnings.push(
      `${users(uncovered)} still ${uncovered === 1 ? "has" : "have"} per-user MFA but no Conditional Access ` +
        "policy or security defaults require MFA of them; they were left as they are — fix the Conditional " +
        "Access policy first",
    );
  }
  return warnings;
}

function users(n: number): string {
  return n === 1 ? "1 user" : `${n} users`;
}

const LISTED = 5;

function listUsers(upns: readonly string[]): string {
  if (upns.length <= LISTED) return upns.join(", ");
  return `${upns.slice(0, LISTED).join(", ")} and ${upns.length - LISTED} more`;
}
