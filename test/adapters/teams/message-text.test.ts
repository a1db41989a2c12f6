import { describe, expect, it } from "vitest";
import { htmlToPlainText, splitMentions, substituteMentions } from "../../../adapters/teams/message-text.js";

const bot = { id: "28:bot", name: "MFA Bot" };
const mention = (id: string, name: string, aadObjectId?: string) => ({
  type: "mention",
  text: `<at>${name}</at>`,
  mentioned: { id, name, ...(aadObjectId ? { aadObjectId } : {}) },
});

describe("splitMentions", () => {
  it("removes every @mention of the bot and lists the others in order", () => {
    const { text, mentions } = splitMentions({
      text: "<at>MFA Bot</at> bulk enable <at>Alex</at> <at>Alex</at> <at>MFA Bot</at>",
      recipient: { id: bot.id },
      entities: [mention(bot.id, bot.name), mention("29:a1", "Alex", "guid-1"), mention("29:a2", "Alex")],
    });
    expect(text.trim()).toBe("bulk enable <at>Alex</at> <at>Alex</at>");
    expect(mentions).toEqual([
      { text: "<at>Alex</at>", id: "29:a1", name: "Alex", aadObjectId: "guid-1" },
      { text: "<at>Alex</at>", id: "29:a2", name: "Alex" },
    ]);
  });

  it("ignores entities that are not well-formed mentions", () => {
    const { mentions } = splitMentions({
      text: "status x",
      entities: [{ type: "clientInfo", locale: "en-US" }, { type: "mention", text: 5 }, { type: "mention" }],
    });
    expect(mentions).toEqual([]);
  });
});

describe("substituteMentions", () => {
  it("replaces mentions in order, so two people with one display name stay apart", () => {
    const text = "bulk enable <at>Alex</at>,<at>Alex</at>";
    const result = substituteMentions(text, [
      { text: "<at>Alex</at>", value: "alex.one@contoso.com" },
      { text: "<at>Alex</at>", value: "alex.two@contoso.com" },
    ]);
    expect(result.split(/[\s,]+/).filter(Boolean)).toEqual([
      "bulk",
      "enable",
      "alex.one@contoso.com",
      "alex.two@contoso.com",
    ]);
  });

  it("does not rescan a replacement that happens to contain mention text", () => {
    const result = substituteMentions("status <at>A</at>", [
      { text: "<at>A</at>", value: "<at>A</at>" },
      { text: "<at>A</at>", value: "second" },
    ]);
    expect(result).toBe("status  <at>A</at> ");
  });
});

describe("htmlToPlainText", () => {
  it("drops tags, keeps link text, decodes entities once", () => {
    expect(htmlToPlainText('<p>status <a href="mailto:a@b.com">a@b.com</a>&nbsp;</p>')).toBe(
      "status a@b.com \n",
    );
    expect(htmlToPlainText("reason &quot;x&quot; &amp;lt;b&amp;gt; &#64; &#x41;")).toBe(
      'reason "x" &lt;b&gt; @ A',
    );
    expect(htmlToPlainText("a<br/>b<div>c</div>")).toBe("a\nbc\n");
  });

  it("leaves text that has no markup alone", () => {
    expect(htmlToPlainText('disable bob@contoso.com for 4h --reason "travel"')).toBe(
      'disable bob@contoso.com for 4h --reason "travel"',
    );
  });
});
