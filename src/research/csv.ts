import type { Cell, TableColumn } from './table-column.js';
import { formatUtcMicros } from './timestamp-micros.js';

/** Text cells starting with one of these are read as formulas by spreadsheets. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell (RFC 4180). A text cell starting with `=`, `+`, `-`, `@`, tab or CR is
 * neutralised with a leading `'` (so spreadsheets show it as text, not run it as a formula);
 * numbers, booleans and timestamps are written by this code and never start with a formula.
 */
export function csvCell(value: Cell, column: Pick<TableColumn<unknown>, 'type'>): string {
  if (value === null) return '';
  let s: string;
  if (column.type === 'TIMESTAMPTZ' && typeof value === 'number') s = formatUtcMicros(value);
  else if (column.type === 'VARCHAR') {
    s = String(value);
    if (FORMULA_START.test(s)) s = `'${s}`;
  } else s = String(value);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The header line of a table. */
export function csvHeader(columns: readonly TableColumn<never>[]): string {
  return `${columns.map((c) => c.name).join(',')}\r\n`;
}

/** One CSV line of cells (CRLF-terminated). */
export function csvLine(cells: readonly Cell[], columns: readonly TableColumn<never>[]): string {
  return `${cells.map((c, i) => csvCell(c, columns[i]!)).join(',')}\r\n`;
}
