import type { ChangeAction, PlanFlag, PlanItem, TargetView } from "./plan-types.js";
import { isKnownMfaState, type KnownMfaState } from "./states.js";

/**
 * The rules for one target, in the order they are checked. The caller has already
 * decided whether the actor may do the action at all (a permission refusal applies to
 * every target alike), so this only looks at the target and the action.
 */

/** Rule names carried by refused items; the audit log and tests key on them. */
export const RULES = {
  permission: "permission",
  protected: "protected",
  unknownState: "unknown-state",
  manualEnforce: "manual-enforce",
  convertUncovered: "convert-uncovered",
  undoNoRecord: "undo-no-record",
} as const;

/**
 * Phone, app or email on record: re-enabling such a user needs a re-registration
 * (https://learn.microsoft.com/en-us/entra/identity/authentication/howto-mfa-userstates).
 */
export function hasRegistrationDetails(t: TargetView): boolean {
  return t.registration.isMfaRegistered || t.registration.methods.length > 0;
}

/**
 * Registration *completed* is what Enforced stands for: methods on record alone (an email,
 * say) do not make it safe to move a user to Enforced.
 */
function hasCompletedRegistration(t: TargetView): boolean {
  return t.registration.isMfaRegistered;
}

type FoundTarget = TargetView & { user: NonNullable<TargetView["user"]> };

function nameOf(t: FoundTarget): string {
  return t.user.upn;
}

function refuse(t: TargetView, rule: string, reason: string): PlanItem {
  if (t.user === null) return { kind: "refused", ref: t.ref, reason, rule };
  return { kind: "refused", ref: t.ref, userId: t.user.id, upn: t.user.upn, reason, rule };
}

function noop(t: FoundTarget, reason: string): PlanItem {
  return { kind: "noop", userId: t.user.id, upn: t.user.upn, state: t.perUserMfaState, reason };
}

/** Flags follow from the move itself, whichever command asked for it (enable, disable, undo, …). */
function setStateFlags(t: FoundTarget, from: KnownMfaState, to: KnownMfaState): PlanFlag[] {
  const flags: PlanFlag[] = [];
  if (from === "disabled" && to === "enabled" && hasRegistrationDetails(t))
    flags.push("reregistration-needed");
  if (to === "enforced") flags.push("legacy-apps-need-app-passwords");
  if (to === "disabled" && !t.coveredByConditionalAccess) {
    flags.push(t.coveredBySecurityDefaultsOnly ? "security-defaults-only" : "leaves-no-mfa");
  }
  return flags;
}

function setState(t: FoundTarget, from: KnownMfaState, to: KnownMfaState): PlanItem {
  return {
    kind: "change",
    userId: t.user.id,
    upn: t.user.upn,
    op: "setState",
    from,
    to,
    flags: setStateFlags(t, from, to),
  };
}

function refuseManualEnforce(t: FoundTarget): PlanItem {
  return refuse(
    t,
    RULES.manualEnforce,
    `${nameOf(t)} hasn't completed MFA registration, so the bot won't move them to Enforced: ` +
      "non-browser apps would stop working because they have no app password. " +
      "Enable them instead; they become Enforced by themselves when they register.",
  );
}

export function planTarget(
  action: ChangeAction,
  target: TargetView,
  restoreTo: Readonly<Record<string, KnownMfaState>> | undefined,
): PlanItem {
  if (target.user === null) return { kind: "notFound", ref: target.ref };
  const t = target as FoundTarget;
  if (t.isProtected) {
    return refuse(
      t,
      RULES.protected,
      `${nameOf(t)} is a protected break-glass account; no bot command changes it (the policy file's protected list)`,
    );
  }
  const state = t.perUserMfaState;
  if (!isKnownMfaState(state)) {
    return refuse(
      t,
      RULES.unknownState,
      `state ${JSON.stringify(state)} of ${nameOf(t)} is not understood by the bot; change it in the Entra portal`,
    );
  }
  return PLANNERS[action](t, state, restoreTo);
}

type Planner = (
  t: FoundTarget,
  state: KnownMfaState,
  restoreTo: Readonly<Record<string, KnownMfaState>> | undefined,
) => PlanItem;

/** What each action does to one found user in a known state; a new action needs its planner. */
const PLANNERS: Readonly<Record<ChangeAction, Planner>> = {
  enable: (t, state) => enable(t, state),
  enforce: (t, state) => enforce(t, state),
  disable: (t, state) => disable(t, state),
  reregister: (t, state) => reregister(t, state),
  convert: (t, state) => convert(t, state),
  undo: undo,
};

function enable(t: FoundTarget, state: KnownMfaState): PlanItem {
  if (state === "enforced") return noop(t, "already enforced");
  if (state === "enabled") {
    // A re-enabled user with old registration details stays Enabled until they re-register.
    return noop(
      t,
      hasRegistrationDetails(t)
        ? "already enabled — they have registration details, so they stay Enabled until they re-register (use reregister)"
        : "already enabled — waiting for registration",
    );
  }
  return setState(t, state, "enabled");
}

function enforce(t: FoundTarget, state: KnownMfaState): PlanItem {
  // Nothing moves, so the manual-enforce rule has nothing to guard.
  if (state === "enforced") return noop(t, "already enforced");
  if (!hasCompletedRegistration(t)) return refuseManualEnforce(t);
  return setState(t, state, "enforced");
}

function disable(t: FoundTarget, state: KnownMfaState): PlanItem {
  if (state === "disabled") return noop(t, "already disabled");
  return setState(t, state, "disabled");
}

/**
 * Disabled users are allowed: their methods outlive the state, and clearing them now
 * spares the user the stuck-in-Enabled trap if they are enabled again later.
 */
function reregister(t: FoundTarget, state: KnownMfaState): PlanItem {
  if (!hasRegistrationDetails(t)) return noop(t, "nothing registered to clear");
  return {
    kind: "change",
    userId: t.user.id,
    upn: t.user.upn,
    op: "reregister",
    from: state,
    to: state,
    flags: [],
  };
}

/**
 * Converting needs something else to require MFA of the user: a Conditional Access policy,
 * or security defaults — the latter changes, flagged for an approver to acknowledge.
 */
function convert(t: FoundTarget, state: KnownMfaState): PlanItem {
  if (state === "disabled") return noop(t, "already disabled");
  if (!t.coveredByConditionalAccess && !t.coveredBySecurityDefaultsOnly) {
    const why = t.coverageNote ? ` (${t.coverageNote})` : "";
    return refuse(
      t,
      RULES.convertUncovered,
      `no Conditional Access policy or security defaults require MFA of ${nameOf(t)}${why}, ` +
        "so converting would leave them without MFA; fix the Conditional Access policy first",
    );
  }
  return setState(t, state, "disabled");
}

function undo(
  t: FoundTarget,
  state: KnownMfaState,
  restoreTo: Readonly<Record<string, KnownMfaState>> | undefined,
): PlanItem {
  // hasOwn: a user id must never pick up an inherited property such as "constructor".
  const target =
    restoreTo !== undefined && Object.hasOwn(restoreTo, t.user.id) ? restoreTo[t.user.id] : undefined;
  if (target === undefined || !isKnownMfaState(target)) {
    return refuse(
      t,
      RULES.undoNoRecord,
      `the operation recorded no earlier state for ${nameOf(t)}, so there is nothing to restore`,
    );
  }
  if (target === state) return noop(t, `already ${state}`);
  if (target === "enforced" && !hasCompletedRegistration(t)) return refuseManualEnforce(t);
  return setState(t, state, target);
}
