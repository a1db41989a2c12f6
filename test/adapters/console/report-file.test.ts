import { readFile } from "node:fs/promises";
import { PassThrough } from "node:stream";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runConsoleSession } from "../../../adapters/console/session.js";
import { statePrefix } from "../../../src/run/worker-runtime.js";
import { HELPDESK, REDIS_URL, WorkerHarness } from "../../helpers/worker-harness.js";

describe("console report", () => {
  let h: WorkerHarness;
  let reader: Redis;
  beforeEach(async () => {
    h = await WorkerHarness.start();
    reader = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    reader.disconnect();
    await h.close();
  });

  it("saves the CSV and the chart to disk and prints where", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (d: Buffer) => {
      printed += d.toString();
    });
    input.end("report\n");
    const code = await runConsoleSession({
      queue: h.queue,
      reader,
      prefix: statePrefix(h.prefix),
      actor: HELPDESK,
      input,
      output,
      interactive: false,
      answerTimeoutMs: 60_000,
    });
    expect(code).toBe(0);
    const saved = [...printed.matchAll(/📎 saved (\S+)/g)].map((m) => m[1] as string);
    expect(saved).toHaveLength(2);
    const csv = saved.find((path) => path.endsWith(".csv"));
    expect(csv?.startsWith(h.fileDir)).toBe(true);
    const lines = (await readFile(csv as string, "utf8")).split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(h.sandbox.tenant.allUsers().length + 1);
    expect(printed).toMatch(/Every user is in mfa-report-\d{4}-\d{2}-\d{2}\.csv/);
  }, 90_000);
});
