import { z } from "zod";
import { changeActionSchema } from "./actions.js";
import type { Actor, ApprovableAction } from "./roles.js";
import { type KnownMfaState, mfaStateSchema } from "./states.js";

/**
 * The engine's input and output. The plan is stored with its operation and read back by any
 * worker, so its shape is a schema and the types are inferred from it.
 */

export { type ChangeAction, changeActionSchema } from "./actions.js";

/** The directory's current view of one target, gathered by the worker before planning. */
export const targetViewSchema = z.object({
  /** How the target was named in the request (for messages): `alice@contoso.com`, `<@U123>`. */
  ref: z.string(),
  /** null when the directory has no such user. */
  user: z
    .object({
      id: z.string(),
      upn: z.string(),
      displayName: z.string(),
      mail: z.string().nullish(),
      /** Graph's proxyAddresses (`smtp:alias@…`): the protected list may name an account by any. */
      proxyAddresses: z.array(z.string()).optional(),
    })
    .nullable(),
  /** Any string: a state Graph adds later is kept as it is, and the engine refuses to act on it. */
  perUserMfaState: z.string(),
  registration: z.object({
    isMfaRegistered: z.boolean(),
    methods: z.array(z.string()).readonly(),
    defaultMethod: z.string().nullable().optional(),
  }),
  /** A break-glass account from the policy's `protected` list: no command ever changes it. */
  isProtected: z.boolean(),
  /** An enabled Conditional Access policy requires MFA of this user (security defaults do not count). */
  coveredByConditionalAccess: z.boolean(),
  /**
   * No policy, but security defaults cover this user: they prompt for MFA only when
   * necessary, not at every sign-in, so turning per-user MFA off needs an approver's
   * acknowledgement. Absent = false.
   */
  coveredBySecurityDefaultsOnly: z.boolean().optional(),
  /** Why no policy covers the user, when the directory could say (excluded by a role, a guest condition). */
  coverageNote: z.string().optional(),
});
export type TargetView = z.infer<typeof targetViewSchema>;

export const planFlagSchema = z.enum([
  /** Enabling a user who already has registration details: they must re-register (Microsoft's per-user MFA page). */
  "reregistration-needed",
  /** Disabling leaves the user with no MFA at all: no CA policy or security defaults cover them. */
  "leaves-no-mfa",
  /** Disabling leaves only security defaults, which prompt when necessary, not at every sign-in. */
  "security-defaults-only",
  /** Enforced by hand for a registered user: legacy (non-browser) apps need app passwords. */
  "legacy-apps-need-app-passwords",
]);
export type PlanFlag = z.infer<typeof planFlagSchema>;

export const planItemSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("change"),
    userId: z.string(),
    upn: z.string(),
    /** `setState` moves the per-user state; `reregister` deletes registered methods. */
    op: z.enum(["setState", "reregister"]),
    from: z.string(),
    to: mfaStateSchema,
    flags: z.array(planFlagSchema),
  }),
  z.object({
    kind: z.literal("noop"),
    userId: z.string(),
    upn: z.string(),
    state: z.string(),
    reason: z.string(),
  }),
  z.object({
    kind: z.literal("refused"),
    ref: z.string(),
    userId: z.string().optional(),
    upn: z.string().optional(),
    reason: z.string(),
    rule: z.string(),
  }),
  z.object({ kind: z.literal("notFound"), ref: z.string() }),
]);
export type PlanItem = z.infer<typeof planItemSchema>;
export type PlanItemOf<K extends PlanItem["kind"]> = Extract<PlanItem, { kind: K }>;

export const planSchema = z.object({
  action: changeActionSchema,
  bulk: z.boolean(),
  items: z.array(planItemSchema),
  requiresApproval: z.boolean(),
  /** Why approval is needed (policy entry, a flag that needs an approver's sign-off). */
  approvalReasons: z.array(z.string()),
  warnings: z.array(z.string()),
  /** Stable over the plan's substance: an approval is bound to exactly what was shown. */
  hash: z.string(),
});
export type Plan = z.infer<typeof planSchema>;

export interface PlanRequest {
  action: Plan["action"];
  /** The request came from `bulk enable` (approval is then governed by the `bulk` policy entry). */
  bulk: boolean;
  actor: Actor;
  targets: readonly TargetView[];
  policy: { requireApproval: readonly ApprovableAction[] };
  /** For `undo`: the state each user is to be restored to, by Entra user id. */
  restoreTo?: Readonly<Record<string, KnownMfaState>>;
}
