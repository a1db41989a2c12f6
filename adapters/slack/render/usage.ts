import { usageHint } from "../../../src/notify/words.js";
import { escapeText } from "../escape.js";
import { message, type SlackMessage, section } from "./blocks.js";

/**
 * A command that did not parse: the grammar's reason and the usage line. The grammar already
 * echoes typed text safely; escaping again makes sure nothing typed can act in Slack.
 */
export function renderUsageError(error: string, usage: string, slashCommand: string): SlackMessage {
  const hint = usageHint(usage, `${slashCommand} `);
  const usageLine = hint.summary ? escapeText(hint.text) : `Usage: \`${escapeText(hint.text)}\``;
  return message(`❌ ${escapeText(error)}. ${usageLine}`, [section(`❌ ${escapeText(error)}\n${usageLine}`)]);
}

/** The grammar's help, in a code block so its layout survives. */
export function renderHelp(helpText: string, slashCommand: string): SlackMessage {
  const body = escapeText(helpText).replace(/```/g, "'''");
  return message(`${slashCommand} help: ${escapeText(helpText.split("\n")[0] ?? "")}`, [
    section(`*${escapeText(slashCommand)}* — per-user MFA in Microsoft Entra ID\n\`\`\`${body}\`\`\``),
  ]);
}
