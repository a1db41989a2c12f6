import { forEachVerb, VERB_NAMES, VERBS, type Verb, wordsOf } from "../verbs.js";

/**
 * Usage lines without a platform prefix: Slack shows them after `/mfa `, Teams after `mfa `,
 * the console as they are. All from the verb table, in its order.
 */
export const USAGE: Readonly<Record<Verb, string>> = forEachVerb((verb) => VERBS[verb].usage);

/** One line naming every command, for errors about an unknown command. */
export const HELP_SUMMARY = `commands: ${VERB_NAMES.map(wordsOf).join(", ")} (try "help")`;

/** The overview of every command, platform-neutral plain text. */
export const HELP_TEXT = [
  "Commands:",
  ...VERB_NAMES.map((verb) => `  ${VERBS[verb].usage}\n      ${VERBS[verb].description}`),
  "A <user> is an @mention, an email/UPN or an Entra object id.",
  "`bulk enable` also takes Slack user groups and group:<entra-group-object-id>, separated by spaces, commas or new lines.",
  'Add --reason "…" (or reason: … at the end) to record why.',
].join("\n");

/** Help for one command, or the overview. */
export function helpText(topic?: Verb): string {
  return topic === undefined ? HELP_TEXT : `${VERBS[topic].usage}\n${VERBS[topic].description}`;
}

/**
 * The command a help topic names: a verb, how it is typed (`bulk enable`), or the first word
 * of a command typed in several (`bulk`).
 */
export function helpTopic(words: readonly string[]): Verb | undefined {
  const topic = words.join(" ").toLowerCase();
  return VERB_NAMES.find(
    (verb) => verb === topic || wordsOf(verb) === topic || wordsOf(verb).split(" ")[0] === topic,
  );
}
