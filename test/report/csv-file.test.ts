import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { writeReportCsv } from "../../src/report/csv-file.js";
import { discardFile } from "../../src/report/outgoing-file.js";
import type { ReportRow } from "../../src/report/row.js";

const row = (i: number, overrides: Partial<ReportRow> = {}): ReportRow => ({
  userPrincipalName: `user${i}@contoso.com`,
  displayName: `User ${i}`,
  perUserMfaState: i % 3 === 0 ? "enabled" : "disabled",
  isMfaRegistered: i % 2 === 0,
  methodsRegistered: ["microsoftAuthenticatorPush", "mobilePhone"],
  defaultMethod: "microsoftAuthenticatorPush",
  isAdmin: false,
  ...overrides,
});

describe("writeReportCsv", () => {
  it("writes a header and a CRLF line per row, with a BOM for Excel, and counts as it goes", async () => {
    async function* rows() {
      for (let i = 0; i < 120; i++) yield row(i);
    }
    const { file, tally, lines } = await writeReportCsv(rows(), "report.csv");
    try {
      const text = await readFile(file.path, "utf8");
      expect(text.startsWith("\uFEFFuserPrincipalName,displayName,perUserMfaState,")).toBe(true);
      expect(text.split("\r\n").filter(Boolean)).toHaveLength(121);
      expect(lines).toBe(121);
      expect(file.bytes).toBe(Buffer.byteLength(text));
      expect(tally.total).toBe(120);
      expect(tally.counts).toEqual({ disabled: 80, enabled: 40, enforced: 0 });
      expect(tally.registration).toEqual({ registered: 60, notRegistered: 60, unknown: 0 });
      // Enabled and not registered: i divisible by 3 and odd.
      expect(tally.enabledUnregisteredTotal).toBe(20);
      expect(tally.enabledUnregistered[0]).toBe("user3@contoso.com");
    } finally {
      await discardFile(file);
    }
  });

  it("quotes separators, defuses formulas, and fills every column", async () => {
    async function* rows() {
      yield row(1, {
        displayName: '=HYPERLINK("http://evil"), "Boss"',
        isMfaRegistered: null,
        isAdmin: true,
        lastChange: { actor: "admin@contoso.com", at: "2024-05-01T10:00:00Z" },
      });
    }
    const { file } = await writeReportCsv(rows(), "r.csv");
    try {
      const [, line] = (await readFile(file.path, "utf8")).split("\r\n");
      expect(line).toBe(
        `user1@contoso.com,"'=HYPERLINK(""http://evil""), ""Boss""",disabled,,microsoftAuthenticatorPush;mobilePhone,microsoftAuthenticatorPush,true,admin@contoso.com,2024-05-01T10:00:00Z`,
      );
    } finally {
      await discardFile(file);
    }
  });

  it("fails as the source fails, rather than delivering a partial file", async () => {
    async function* rows(): AsyncGenerator<ReportRow> {
      yield row(1);
      throw new Error("Graph went away");
    }
    await expect(writeReportCsv(rows(), "x.csv")).rejects.toThrow("Graph went away");
  });
});
