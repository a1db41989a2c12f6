/**
 * The command in a Teams message. Teams sends mentions as `<at>Name</at>` in the text with a
 * `mention` entity saying who each one is; messages with formatting arrive as HTML. This file
 * is pure: it finds the mentions and turns the text into the line the grammar reads.
 */

export interface MessageActivityLike {
  text?: string;
  recipient?: { id?: string };
  entities?: Array<{ type?: string; [key: string]: unknown }>;
}

export interface UserMention {
  /** The `<at>…</at>` text as it appears in the message. */
  text: string;
  /** Teams user id (29:…) or another kind of id for tags, channels and teams. */
  id: string;
  aadObjectId?: string;
  name: string;
}

interface MentionEntity {
  text: string;
  mentioned: { id: string; name: string; aadObjectId?: string };
}

function mentionEntities(activity: MessageActivityLike): MentionEntity[] {
  const result: MentionEntity[] = [];
  for (const entity of activity.entities ?? []) {
    if (typeof entity.type !== "string" || entity.type.toLowerCase() !== "mention") continue;
    const mentioned = entity.mentioned as { id?: unknown; name?: unknown; aadObjectId?: unknown } | undefined;
    if (typeof entity.text !== "string" || typeof mentioned?.id !== "string") continue;
    result.push({
      text: entity.text,
      mentioned: {
        id: mentioned.id,
        name: typeof mentioned.name === "string" ? mentioned.name : "",
        ...(typeof mentioned.aadObjectId === "string" ? { aadObjectId: mentioned.aadObjectId } : {}),
      },
    });
  }
  return result;
}

/** The text without the bot's own @mentions, and the other mentions in order. */
export function splitMentions(activity: MessageActivityLike): { text: string; mentions: UserMention[] } {
  let text = activity.text ?? "";
  const mentions: UserMention[] = [];
  for (const entity of mentionEntities(activity)) {
    if (entity.mentioned.id === activity.recipient?.id) {
      text = text.split(entity.text).join(" ");
      continue;
    }
    mentions.push({
      text: entity.text,
      id: entity.mentioned.id,
      name: entity.mentioned.name,
      ...(entity.mentioned.aadObjectId ? { aadObjectId: entity.mentioned.aadObjectId } : {}),
    });
  }
  return { text, mentions };
}

/**
 * Puts each mention's resolved form (a UPN or an object id) where it was typed, in order, so
 * two people with the same display name still resolve to who was picked.
 */
export function substituteMentions(
  text: string,
  resolved: ReadonlyArray<{ text: string; value: string }>,
): string {
  let result = text;
  let from = 0;
  for (const mention of resolved) {
    const at = result.indexOf(mention.text, from);
    if (at === -1) continue;
    const replacement = ` ${mention.value} `;
    result = result.slice(0, at) + replacement + result.slice(at + mention.text.length);
    from = at + replacement.length;
  }
  return result;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code =
        name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * Rich-text messages arrive as HTML (`<p>…</p>`, links for typed emails, `&nbsp;`). Tags go,
 * block ends become line breaks, entities are decoded once — after the tags are gone, so an
 * escaped `&lt;b&gt;` the user typed stays text.
 */
export function htmlToPlainText(text: string): string {
  const withoutTags = text
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(?:p|div|li)>/gi, "\n")
    .replace(/<\/?[a-z][^<>]*>/gi, "");
  return decodeEntities(withoutTags);
}
