/**
 * One CSV field. Quoted when it holds a separator, quote or line break; a leading
 * `= + - @` (or tab/CR) is defused with a `'` so a spreadsheet never runs it as a formula.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(values: readonly string[]): string {
  return values.map(csvField).join(",");
}
