/**
 * CSV for spreadsheets. A cell that starts with = + - @, a tab or a carriage return is read by
 * Excel, LibreOffice and Google Sheets as a formula (`=HYPERLINK(...)` in a display name runs
 * in the instructor's spreadsheet), so every exported text cell is neutralised the way OWASP
 * recommends: prefixed with a single quote, which the spreadsheet shows as text.
 * Numbers stay numbers (a score of -3 is not a formula).
 */
import { stringify } from "csv-stringify/sync";

export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseCell(cell: CsvCell): CsvCell {
  return typeof cell === "string" && FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** Every export goes through here: rows to CSV text, each text cell neutralised. */
export function safeCsv(rows: CsvCell[][]): string {
  return stringify(rows.map((r) => r.map(neutraliseCell)));
}
