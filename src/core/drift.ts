/**
 * Whether a user's per-user MFA state differs from the one the bot set in a way someone else
 * caused. Enabled turning Enforced is not such a change: the user did it by registering, as
 * Microsoft's per-user MFA page says ("Enabled" → "Enforced" once registration completes,
 * https://learn.microsoft.com/entra/identity/authentication/howto-mfa-userstates).
 */
export function changedOutsideBot(set: string, now: string): boolean {
  if (set === now) return false;
  return !(set === "enabled" && now === "enforced");
}
