/** The approval card's buttons; the listener and the renderer must agree on these. */
export const APPROVE_ACTION_ID = "mfa_approve";
export const REJECT_ACTION_ID = "mfa_reject";
