import type { ChangeAction, PlanFlag } from "../../../src/core/plan-types.js";
import type { PerUserMfaState } from "../../../src/core/states.js";
import { escapeText } from "../escape.js";

const STATE_WORDS: Readonly<Record<string, string>> = {
  disabled: "⚪ Disabled",
  enabled: "🟡 Enabled — waiting for registration",
  enforced: "🟢 Enforced",
};

/** A state as a person reads it; values Graph adds later are shown as they come, escaped. */
export function stateLabel(state: PerUserMfaState): string {
  return STATE_WORDS[state] ?? `❔ ${escapeText(state)}`;
}

const ACTION_WORDS: Readonly<Record<ChangeAction, string>> = {
  enable: "Enable MFA",
  disable: "Disable MFA",
  enforce: "Enforce MFA",
  reregister: "Require MFA re-registration",
  convert: "Convert to Conditional Access (turn per-user MFA off)",
  undo: "Undo",
};

export function actionLabel(action: ChangeAction): string {
  return ACTION_WORDS[action] ?? escapeText(action);
}

const FLAG_WORDS: Readonly<Record<PlanFlag, string>> = {
  "reregistration-needed": "must register their MFA methods again; until then the state stays Enabled",
  "leaves-no-mfa": "will have no MFA at all: no Conditional Access policy or security defaults cover them",
  "security-defaults-only":
    "will be covered by security defaults only: security defaults only prompt when necessary, not at every sign-in",
  "legacy-apps-need-app-passwords": "legacy (non-browser) apps will need app passwords",
};

export function flagLabel(flag: PlanFlag): string {
  return FLAG_WORDS[flag] ?? escapeText(flag);
}
