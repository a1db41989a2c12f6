import type { KnownMfaState } from "../../../src/core/states.js";
import { isKnownMfaState, type PerUserMfaState } from "../../../src/core/states.js";
import type { ApprovalStatus } from "../../../src/core/statuses.js";
import {
  approvalStatusLabel,
  stateLabel as stateWords,
  userLabel as userWords,
} from "../../../src/notify/words.js";
import { escapeText } from "../escape.js";

export { actionLabel, flagLabel, plural, reportWords } from "../../../src/notify/words.js";

/** Slack's decoration of the shared words (src/notify/words.ts): an icon, and escaping. */
const STATE_ICONS: Readonly<Record<KnownMfaState, string>> = {
  disabled: "⚪",
  enabled: "🟡",
  enforced: "🟢",
};

/** A state as a person reads it; values Graph adds later are shown as they come, escaped. */
export function stateLabel(state: PerUserMfaState): string {
  const icon = isKnownMfaState(state) ? STATE_ICONS[state] : "❔";
  return `${icon} ${escapeText(stateWords(state))}`;
}

const STATUS_ICONS: Readonly<Record<ApprovalStatus, string>> = {
  pending: "⏳",
  approved: "✅",
  rejected: "🚫",
  expired: "⌛",
  superseded: "↩️",
};

export function approvalStatus(status: ApprovalStatus): string {
  return `${STATUS_ICONS[status]} ${approvalStatusLabel(status)}`;
}

/** `Display Name (upn)` or the UPN alone, escaped. */
export function userLabel(user: { upn: string; displayName?: string | undefined }): string {
  return escapeText(userWords(user));
}
