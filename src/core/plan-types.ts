import type { Actor, ApprovableAction } from "./roles.js";
import type { KnownMfaState, PerUserMfaState } from "./states.js";

/** The directory's current view of one target, gathered by the worker before planning. */
export interface TargetView {
  /** How the target was named in the request (for messages): `alice@contoso.com`, `<@U123>`. */
  ref: string;
  /** null when the directory has no such user. */
  user: { id: string; upn: string; displayName: string; mail?: string | null } | null;
  perUserMfaState: PerUserMfaState;
  registration: { isMfaRegistered: boolean; methods: readonly string[]; defaultMethod?: string | null };
  /** A break-glass account from the policy's `protected` list: no command ever changes it. */
  isProtected: boolean;
  /** An enabled Conditional Access policy requires MFA of this user (security defaults do not count). */
  coveredByConditionalAccess: boolean;
  /**
   * No policy, but security defaults cover this user: they prompt for MFA only when
   * necessary, not at every sign-in, so turning per-user MFA off needs an approver's
   * acknowledgement. Absent = false.
   */
  coveredBySecurityDefaultsOnly?: boolean;
  /** Why no policy covers the user, when the directory could say (excluded by a role, a guest condition). */
  coverageNote?: string;
}

/** What a change command asks for. `convert` disables per-user MFA for everyone (CA migration). */
export type ChangeAction = "enable" | "disable" | "enforce" | "reregister" | "convert" | "undo";

export interface PlanRequest {
  action: ChangeAction;
  /** The request came from `bulk enable` (approval is then governed by the `bulk` policy entry). */
  bulk: boolean;
  actor: Actor;
  targets: readonly TargetView[];
  policy: { requireApproval: readonly ApprovableAction[] };
  /** For `undo`: the state each user is to be restored to, by Entra user id. */
  restoreTo?: Readonly<Record<string, KnownMfaState>>;
}

export type PlanFlag =
  /** Enabling a user who already has registration details: they must re-register (reference page). */
  | "reregistration-needed"
  /** Disabling leaves the user with no MFA at all: no CA policy or security defaults cover them. */
  | "leaves-no-mfa"
  /** Disabling leaves only security defaults, which prompt when necessary, not at every sign-in. */
  | "security-defaults-only"
  /** Enforced by hand for a registered user: legacy (non-browser) apps need app passwords. */
  | "legacy-apps-need-app-passwords";

export type PlanItem =
  | {
      kind: "change";
      userId: string;
      upn: string;
      /** `setState` moves the per-user state; `reregister` deletes registered methods. */
      op: "setState" | "reregister";
      from: PerUserMfaState;
      to: KnownMfaState;
      flags: PlanFlag[];
    }
  | { kind: "noop"; userId: string; upn: string; state: PerUserMfaState; reason: string }
  | { kind: "refused"; ref: string; userId?: string; upn?: string; reason: string; rule: string }
  | { kind: "notFound"; ref: string };

export interface Plan {
  action: ChangeAction;
  bulk: boolean;
  items: PlanItem[];
  requiresApproval: boolean;
  /** Why approval is needed (policy entry, a flag that needs an approver's sign-off). */
  approvalReasons: string[];
  warnings: string[];
  /** Stable over the plan's substance: an approval is bound to exactly what was shown. */
  hash: string;
}
