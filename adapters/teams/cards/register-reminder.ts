import type { Outcome } from "../../../src/notify/outcome.js";
import { type AdaptiveCard, adaptiveCard, heading, line } from "./elements.js";

type ReminderOutcome = Extract<Outcome, { kind: "registerReminder" }>;

const DEFAULT_SETUP_URL = "https://aka.ms/mfasetup";

/** Only an https link becomes a button; anything else falls back to Microsoft's own page. */
function safeSetupUrl(url: string): string {
  try {
    return new URL(url).protocol === "https:" ? url : DEFAULT_SETUP_URL;
  } catch {
    return DEFAULT_SETUP_URL;
  }
}

export function registerReminderCard(reminder: ReminderOutcome): AdaptiveCard {
  const url = safeSetupUrl(reminder.setupUrl);
  return adaptiveCard(
    [
      heading(
        reminder.attempt > 0
          ? "Reminder: set up multifactor authentication"
          : "Set up multifactor authentication",
      ),
      line(
        `Your account ${reminder.upn} now requires multifactor authentication (MFA). ` +
          "You will be asked to register a method (such as the Microsoft Authenticator app or a phone) at your next sign-in.",
      ),
      line(`You can register now at ${url}`),
      ...(reminder.requestedBy ? [line(`Requested by ${reminder.requestedBy}.`)] : []),
    ],
    [{ type: "Action.OpenUrl", title: "Set up MFA now", url }],
  );
}
