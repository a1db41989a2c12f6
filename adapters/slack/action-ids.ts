import { type DecisionVerb, verbsTaking } from "../../src/core/verbs.js";
import { STAGE_VERBS, type StageVerb } from "../../src/notify/outcome.js";

/** The approval card's buttons, one per decision verb; the listener and the renderer must agree on these. */
export const DECISION_ACTION_IDS = {
  approve: "mfa_approve",
  reject: "mfa_reject",
} as const satisfies Record<DecisionVerb, string>;

export const APPROVE_ACTION_ID = DECISION_ACTION_IDS.approve;
export const REJECT_ACTION_ID = DECISION_ACTION_IDS.reject;

/** The decision a button stands for, or undefined for any other button. */
export function decisionOfAction(actionId: string): DecisionVerb | undefined {
  return verbsTaking("approval").find((verb) => DECISION_ACTION_IDS[verb] === actionId);
}

/** The buttons of a paused staged bulk, one per stage verb; their value is the operation id. */
export const STAGE_ACTION_IDS = {
  continue: "mfa_continue",
  abort: "mfa_abort",
} as const satisfies Record<StageVerb, string>;

/** The stage verb a button stands for, or undefined for any other button. */
export function stageVerbOfAction(actionId: string): StageVerb | undefined {
  return STAGE_VERBS.find((verb) => STAGE_ACTION_IDS[verb] === actionId);
}
