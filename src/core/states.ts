/**
 * Per-user MFA states as Microsoft documents them (reference: per-user-mfa-states.txt).
 * Graph may add values later (`unknownFutureValue` and beyond): those are kept as the
 * raw string so they can be shown as they are, and the engine refuses to act on them.
 */
export const KNOWN_MFA_STATES = ["disabled", "enabled", "enforced"] as const;
export type KnownMfaState = (typeof KNOWN_MFA_STATES)[number];
export type PerUserMfaState = KnownMfaState | (string & {});

export function isKnownMfaState(state: string): state is KnownMfaState {
  return (KNOWN_MFA_STATES as readonly string[]).includes(state);
}
