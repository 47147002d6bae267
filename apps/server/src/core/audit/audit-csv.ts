// CSV for the audit export (RFC 4180: comma-separated, CRLF, quoted when needed). Cells that a
// spreadsheet would run as a formula (starting with = + - @, tab or carriage return) are prefixed
// with an apostrophe so a name like `=HYPERLINK(…)` stays text when an owner opens the file.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
