/**
 * CSV as RFC 4180 writes it, for files a person opens in a spreadsheet: every cell quoted where it must
 * be, lines ending CRLF, and a cell that a spreadsheet would run as a formula (starting with = + - @, or a
 * tab or carriage return that hides one) made inert with a leading single quote.
 */

/** Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: null and undefined are empty; a would-be formula gets a leading `'`; quoted when needed. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, ending in CRLF. */
export const csvRow = (cells: readonly (string | number | null | undefined)[]): string =>
  cells.map(csvCell).join(',') + '\r\n';
