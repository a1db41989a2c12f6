import type { Outcome } from "../../../src/notify/outcome.js";
import { reminderWords } from "../../../src/notify/words.js";
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
  const words = reminderWords(reminder, url);
  return adaptiveCard(
    [
      heading(words.title),
      line(words.opening),
      line(words.howTo),
      ...(words.requestedBy ? [line(words.requestedBy)] : []),
    ],
    [{ type: "Action.OpenUrl", title: "Set up MFA now", url }],
  );
}
