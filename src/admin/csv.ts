// CSV that Excel opens correctly and safely: UTF-8 with a byte-order mark (without it Excel reads
// Chinese as mojibake), RFC 4180 quoting, CRLF line ends, and no cell Excel would run as a formula.
export const CSV_BOM = '\uFEFF';

// A cell starting like this is a formula to a spreadsheet (CSV injection, e.g. =HYPERLINK(...));
// tab and carriage return are on OWASP's list too.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export type CsvCell = string | number | null | undefined;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  // Numbers are written by us, never by a shopper; a negative one must stay a number.
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row with its line end, so that a file can be written a row at a time. */
export function csvRow(row: readonly CsvCell[]): string {
  return row.map(csvCell).join(',') + '\r\n';
}

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return CSV_BOM + rows.map(csvRow).join('');
}
