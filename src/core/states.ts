import { z } from "zod";

/**
 * Per-user MFA states as Microsoft documents them
 * (https://learn.microsoft.com/en-us/entra/identity/authentication/howto-mfa-userstates).
 * Graph may add values later (`unknownFutureValue` and beyond): those are kept as the
 * raw string so they can be shown as they are, and the engine refuses to act on them.
 */
export const mfaStateSchema = z.enum(["disabled", "enabled", "enforced"]);
export const KNOWN_MFA_STATES = mfaStateSchema.options;
export type KnownMfaState = z.infer<typeof mfaStateSchema>;
export type PerUserMfaState = KnownMfaState | (string & {});

export function isKnownMfaState(state: string): state is KnownMfaState {
  return mfaStateSchema.safeParse(state).success;
}
