import { type DecisionVerb, verbsTaking } from "../../src/core/verbs.js";

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
