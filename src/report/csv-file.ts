import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { csvLine } from "./csv.js";
import type { OutgoingFile } from "./outgoing-file.js";
import { REPORT_COLUMNS, type ReportRow, reportRowFields } from "./row.js";
import { countRow, emptyTally, type ReportTally } from "./tally.js";

/**
 * RFC 4180 ends records with CRLF; the byte-order mark makes Excel read the file as UTF-8
 * (without it, a name like "Zoë" opens as "ZoÃ«").
 */
const EOL = "\r\n";
const BOM = "\uFEFF";

export interface ReportCsv {
  file: OutgoingFile;
  /** Counted while the rows went to disk. */
  tally: ReportTally;
  /** Lines written, the header included. */
  lines: number;
}

/**
 * Writes every row to a CSV file in a fresh temporary folder, one row at a time with the
 * stream's backpressure (the tenant is never held whole), counting as it goes. The caller
 * removes the folder with `discardFile` once the file is delivered.
 */
export async function writeReportCsv(rows: AsyncIterable<ReportRow>, filename: string): Promise<ReportCsv> {
  const dir = await mkdtemp(join(tmpdir(), "mfa-bot-report-"));
  const path = join(dir, filename);
  const tally = emptyTally();
  let lines = 0;
  let bytes = 0;
  async function* text(): AsyncGenerator<string> {
    const header = `${BOM}${csvLine(REPORT_COLUMNS)}${EOL}`;
    lines++;
    bytes += Buffer.byteLength(header);
    yield header;
    for await (const row of rows) {
      countRow(tally, row);
      const line = `${csvLine(reportRowFields(row))}${EOL}`;
      lines++;
      bytes += Buffer.byteLength(line);
      yield line;
    }
  }
  try {
    await pipeline(Readable.from(text()), createWriteStream(path));
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    file: { path, filename, mimeType: "text/csv", bytes, title: "Per-user MFA report (CSV)" },
    tally,
    lines,
  };
}
