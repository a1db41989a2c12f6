import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Outcome } from "../../../src/notify/outcome.js";
import type {
  DirectMessageTarget,
  MessageRef,
  Notifier,
  Platform,
  ReplyAddress,
} from "../../../src/notify/port.js";
import { STATE_LABELS } from "../../../src/notify/words.js";
import { discardFile, temporaryFile } from "../../../src/report/outgoing-file.js";
import { decided, MUST_SAY, OUTCOMES } from "../outcome-fixtures.js";

/**
 * What every Notifier (Slack, Teams, the console) must do, against the platform's own fake.
 * Each run supplies how to read what a person would see there; the assertions are the same,
 * so the platforms cannot drift apart — in what they deliver, or in the words they use.
 */
export interface NotifierUnderTest {
  notifier: Notifier;
  platform: Platform;
  /** A requester's conversation, as a command from it would carry it. */
  address(): ReplyAddress;
  /** What the requester at `address` read last as an answer to them. */
  lastReply(address: ReplyAddress): Promise<string>;
  /**
   * The latest message shared with files at `address`: what a person reads, and everything the
   * platform carried with it (where the files' names show).
   */
  lastShare(address: ReplyAddress): Promise<{ text: string; carried: string }>;
  /** What a posted message says now, after its edits. */
  messageText(ref: MessageRef): Promise<string>;
  /** A user the platform can write to. */
  reachable: DirectMessageTarget;
  /** A user it cannot reach (platforms that can reach everyone have none: the console). */
  unreachable: DirectMessageTarget | undefined;
  /** What the latest direct message to `user` says. */
  directMessageText(user: DirectMessageTarget): Promise<string>;
  close(): Promise<void>;
}

export type MakeNotifierUnderTest = () => Promise<NotifierUnderTest>;

export interface ContractOptions {
  /** Every user can be written to (the console shows a DM in the session that caused it). */
  reachesEveryone: boolean;
}

const KINDS = Object.keys(OUTCOMES) as Array<Outcome["kind"]>;

function expectSays(text: string, words: readonly string[]): void {
  for (const word of words) expect(text).toContain(word);
}

export function notifierContract(name: string, make: MakeNotifierUnderTest, options: ContractOptions): void {
  describe(`Notifier contract: ${name}`, () => {
    let run: NotifierUnderTest;

    beforeAll(async () => {
      run = await make();
    });
    afterAll(async () => {
      await run?.close();
    });

    it.each(KINDS)("answers the requester with a %s outcome in the shared words", async (kind) => {
      const to = run.address();
      await run.notifier.reply(to, OUTCOMES[kind]);
      expectSays(await run.lastReply(to), MUST_SAY[kind]);
    });

    it("shares the report with its file where the request came from, in the shared words", async () => {
      const to = run.address();
      const file = await temporaryFile(Buffer.from("userPrincipalName\r\nalice@contoso.com\r\n"), {
        filename: "mfa-report-contract.csv",
        mimeType: "text/csv",
        title: "Per-user MFA report (CSV)",
      });
      try {
        await run.notifier.share(to, OUTCOMES.report, [file]);
      } finally {
        await discardFile(file);
      }
      const shared = await run.lastShare(to);
      expectSays(shared.text, MUST_SAY.report);
      expect(shared.carried).toContain("mfa-report-contract.csv");
    });

    it("names every per-user MFA state as the other platforms do", async () => {
      for (const [state, label] of Object.entries(STATE_LABELS)) {
        const to = run.address();
        await run.notifier.reply(to, { ...OUTCOMES.status, state });
        expect(await run.lastReply(to)).toContain(label);
      }
    });

    it("posts a message everyone sees and returns a reference that edits it in place", async () => {
      const to = run.address();
      const ref = await run.notifier.post(to, OUTCOMES.progress);
      expect(ref.platform).toBe(run.platform);
      expect(ref.conversation).toBe(to.conversation);
      expect(ref.messageId).not.toBe("");
      expectSays(await run.messageText(ref), MUST_SAY.progress);

      await run.notifier.update(ref, OUTCOMES.summary);
      expectSays(await run.messageText(ref), MUST_SAY.summary);
    });

    it("shows the newest of several edits sent at once", async () => {
      const ref = await run.notifier.post(run.address(), { ...OUTCOMES.progress, done: 0 });
      await Promise.all(
        [1, 2, 3, 4, 5].map((done) => run.notifier.update(ref, { ...OUTCOMES.progress, done, total: 5 })),
      );
      const text = await run.messageText(ref);
      expect(text).toMatch(/\b5\b.*\b5\b/s);
      expect(text).not.toMatch(/\b4\b/);
    });

    it("posts an approval card that an edit turns into the decided card", async () => {
      const ref = await run.notifier.post(run.address(), OUTCOMES.approval);
      expectSays(await run.messageText(ref), MUST_SAY.approval);
      await run.notifier.update(
        ref,
        decided(OUTCOMES.approval.approval, "2024-05-01T15:00:00.000Z", "Applied: 2 done, 0 failed."),
      );
      expectSays(await run.messageText(ref), ["manager@contoso.com", "Applied: 2 done, 0 failed."]);
    });

    it("delivers a direct message to a user it can reach", async () => {
      const result = await run.notifier.directMessage(
        run.reachable,
        OUTCOMES.registerReminder,
        run.address(),
      );
      expect(result).toEqual({ delivered: true });
      expectSays(await run.directMessageText(run.reachable), MUST_SAY.registerReminder);
    });

    if (!options.reachesEveryone) {
      it("says why, rather than throwing, when a user cannot be reached", async () => {
        if (!run.unreachable) throw new Error(`${name} names no user it cannot reach`);
        const result = await run.notifier.directMessage(
          run.unreachable,
          OUTCOMES.registerReminder,
          run.address(),
        );
        expect(result.delivered).toBe(false);
        expect(result.delivered === false && result.reason).toMatch(/\S/);
      });
    }
  });
}
