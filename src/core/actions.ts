import { z } from "zod";
import type { ApprovableAction } from "./roles.js";

/**
 * What a change command asks of the directory. `convert` disables per-user MFA for everyone
 * (the move to Conditional Access); `undo` restores recorded states.
 */
export const changeActionSchema = z.enum(["enable", "disable", "enforce", "reregister", "convert", "undo"]);
export type ChangeAction = z.infer<typeof changeActionSchema>;

export interface ChangeActionSpec {
  /** The policy file's `requireApproval` entry; `enforce` has none (it is refused where it is risky). */
  readonly policy: ApprovableAction | null;
  /**
   * Registration details the rules need: from the registration report (flags), or `live` from
   * the methods list where the rule that refuses a manual Enforced depends on it — the report
   * can lag behind a re-registration that just happened.
   */
  readonly registration: false | "report" | "live";
  /** Conditional Access / security defaults coverage (does switching per-user MFA off leave MFA?). */
  readonly coverage: boolean;
}

/** Each action's facts, in one place; a new action is a compile error until it has its row. */
export const CHANGE_ACTIONS: Readonly<Record<ChangeAction, ChangeActionSpec>> = {
  enable: { policy: "enable", registration: "report", coverage: false },
  disable: { policy: "disable", registration: false, coverage: true },
  enforce: { policy: null, registration: "live", coverage: false },
  reregister: { policy: "reregister", registration: "report", coverage: false },
  convert: { policy: "convert", registration: false, coverage: true },
  undo: { policy: "undo", registration: "live", coverage: true },
};
