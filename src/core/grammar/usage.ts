import type { Verb } from "../command.js";

/**
 * Usage lines without a platform prefix: Slack shows them after `/mfa `, Teams after `mfa `,
 * the console as they are.
 */
export const USAGE: Readonly<Record<Verb, string>> = {
  status: 'status <user> [--reason "…"]',
  enable: 'enable <user> [--reason "…"]',
  disable: 'disable <user> [for 30m|4h|2d] [--reason "…"]',
  enforce: 'enforce <user> [--reason "…"]',
  reregister: 'reregister <user> [--reason "…"]',
  remind: 'remind <user> [--reason "…"]',
  "bulk-enable": 'bulk enable <user|group> [<user|group>…] [--reason "…"]',
  report: 'report [--reason "…"]',
  convert: 'convert plan|execute [--reason "…"]',
  audit: "audit <user>|<operation-id>",
  undo: 'undo <operation-id> [--reason "…"]',
  approve: 'approve <approval-id> [--reason "…"]',
  reject: 'reject <approval-id> [--reason "…"]',
  help: "help [command]",
};

const DESCRIPTION: Readonly<Record<Verb, string>> = {
  status: "per-user MFA state, registered methods, pending approvals and the last change",
  enable: "enrol the user in per-user MFA; they are asked to register at next sign-in",
  disable: "turn per-user MFA off; with `for`, turn it back on after that long (at most 30 days)",
  enforce: "enforce MFA; refused for users who have not registered yet",
  reregister: "require the user to register their MFA methods again",
  remind: "send the user the how-to-register message now",
  "bulk-enable": "preview, then ask for approval to enable many users at once",
  report: "counts by state and who is enabled but not registered",
  convert: "plan or carry out the move from per-user MFA to Conditional Access",
  audit: "changes made through the bot to a user, or by one operation",
  undo: "restore the states an operation changed",
  approve: "approve a pending request",
  reject: "reject a pending request",
  help: "this overview, or one command's usage",
};

const ORDER: readonly Verb[] = [
  "status",
  "enable",
  "disable",
  "enforce",
  "reregister",
  "remind",
  "bulk-enable",
  "report",
  "convert",
  "audit",
  "undo",
  "approve",
  "reject",
  "help",
];

/** One line naming every command, for errors about an unknown command. */
export const HELP_SUMMARY = `commands: ${ORDER.map((verb) => verb.replace("-", " ")).join(", ")} (try "help")`;

/** The overview of every command, platform-neutral plain text. */
export const HELP_TEXT = [
  "Commands:",
  ...ORDER.map((verb) => `  ${USAGE[verb]}\n      ${DESCRIPTION[verb]}`),
  "A <user> is an @mention, an email/UPN or an Entra object id.",
  "`bulk enable` also takes Slack user groups and group:<entra-group-object-id>, separated by spaces, commas or new lines.",
  'Add --reason "…" (or reason: … at the end) to record why.',
].join("\n");

/** Help for one command, or the overview. */
export function helpText(topic?: Verb): string {
  return topic === undefined ? HELP_TEXT : `${USAGE[topic]}\n${DESCRIPTION[topic]}`;
}

/** The command a help topic names: a verb, or `bulk` / `bulk enable` for bulk-enable. */
export function helpTopic(words: readonly string[]): Verb | undefined {
  const topic = words.join(" ").toLowerCase();
  if (topic === "bulk" || topic === "bulk enable") return "bulk-enable";
  return (ORDER as readonly string[]).includes(topic) ? (topic as Verb) : undefined;
}
