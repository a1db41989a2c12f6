import { afterEach, describe, expect, it } from "vitest";
import { slackUploadUrlCheck } from "../../../adapters/slack/file-upload.js";
import { SlackNotifier } from "../../../adapters/slack/notifier.js";
import { silentLogger } from "../../../src/log.js";
import type { ReplyAddress } from "../../../src/notify/port.js";
import { discardFile, type OutgoingFile, temporaryFile } from "../../../src/report/outgoing-file.js";
import { FakeSlack } from "../../helpers/fake-slack.js";
import { localNetworkOnly } from "../../helpers/local-network.js";
import { OUTCOMES } from "../../notify/outcome-fixtures.js";
import { blockText } from "./end-to-end-harness.js";

localNetworkOnly();

const SCOPES_WITHOUT_FILES = ["commands", "chat:write", "im:write", "users:read", "users:read.email"];

describe("Slack file shares", () => {
  let fake: FakeSlack | undefined;
  let file: OutgoingFile | undefined;
  afterEach(async () => {
    if (file) await discardFile(file);
    await fake?.close();
  });

  async function start(scopes?: string[]) {
    fake = await FakeSlack.start(scopes ? { scopes } : {});
    fake.addUser({ id: "U0HELPDESK", name: "helpdesk", email: "helpdesk@contoso.com" });
    file = await temporaryFile(Buffer.from("a,b\r\n1,2\r\n"), {
      filename: "mfa-report.csv",
      mimeType: "text/csv",
      title: "CSV",
    });
    const notifier = new SlackNotifier({
      botToken: fake.botToken,
      apiUrl: fake.apiUrl,
      logger: silentLogger,
      retryConfig: { retries: 0 },
      postIntervalMs: 0,
    });
    const to: ReplyAddress = {
      platform: "slack",
      conversation: "C0PRIVATE",
      user: "U0HELPDESK",
      extra: { responseUrl: fake.responseUrl() },
    };
    return { fake, notifier, to, file };
  }

  it("uploads the bytes as announced and shares them with the message in the channel", async () => {
    const { fake, notifier, to, file } = await start();
    await notifier.share(to, OUTCOMES.report, [file]);
    expect(fake.shares).toHaveLength(1);
    expect(fake.shares[0]!.channel).toBe("C0PRIVATE");
    expect(fake.shares[0]!.files[0]!.content.toString()).toBe("a,b\r\n1,2\r\n");
    expect(fake.callsTo("files.getUploadURLExternal")[0]!.args).toMatchObject({
      filename: "mfa-report.csv",
      length: String(file.bytes),
    });
  });

  it("shares in the requester's DM when the app is not in the channel", async () => {
    const { fake, notifier, to, file } = await start();
    fake.channelsWithoutBot.add("C0PRIVATE");
    await notifier.share(to, OUTCOMES.report, [file]);
    expect(fake.shares.map((s) => s.channel)).toEqual(["D0HELPDESK"]);
  });

  it("without files:write still answers with the counts, and says which scope to add", async () => {
    const { fake, notifier, to, file } = await start(SCOPES_WITHOUT_FILES);
    await notifier.share(to, OUTCOMES.report, [file]);
    expect(fake.shares).toHaveLength(0);
    const answers = fake.responses.map((r) => blockText(r.body.blocks));
    expect(answers.join("\n")).toContain("Per-user MFA report");
    expect(answers.join("\n")).toContain("files:write");
  });
});

describe("where file bytes may go", () => {
  const trusted = slackUploadUrlCheck("https://slack.com/api/");
  it("only to Slack's own hosts over https", () => {
    expect(trusted("https://files.slack.com/upload/v1/abc")).toBe(true);
    expect(trusted("https://files.slack-gov.com/upload/v1/abc")).toBe(true);
    expect(trusted("http://files.slack.com/upload/v1/abc")).toBe(false);
    expect(trusted("https://files.slack.com.evil.example/upload")).toBe(false);
    expect(trusted("https://evilslack.com/upload")).toBe(false);
    expect(trusted("https://user:pw@files.slack.com/upload")).toBe(false);
    expect(trusted("https://files.slack.com:8443/upload")).toBe(false);
  });
});
