import ExcelJS from 'exceljs';
import type { Cell, TableColumn } from './table-column.js';
import { formatUtcMicros } from './timestamp-micros.js';

/** The most characters Excel keeps in one cell. */
export const XLSX_MAX_CELL_CHARS = 32_767;
/** Rows of one Excel sheet, the header line included. */
export const XLSX_MAX_ROWS = 1_048_576;

const FORBIDDEN_ALL = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;
const TRUNCATED = '…';

/** What the spreadsheet changed so it opens in Excel (counted for the manifest). */
export interface XlsxCounts {
  /** Text cells cut to `XLSX_MAX_CELL_CHARS` (ending in `…`; CSV and Parquet hold them whole). */
  truncated_cells: number;
}

type Sheet = ExcelJS.Worksheet;

/**
 * Research tables as `.xlsx` workbooks written row by row with exceljs's streaming writer (no
 * shared strings, so memory stays flat): one workbook per table, its header row frozen; a table
 * past Excel's row limit goes on in sheets `<name>_2`, `<name>_3`, …. Text is never a formula;
 * characters XML cannot hold become U+FFFD; timestamps are ISO 8601 UTC text.
 */
export class XlsxTables {
  private readonly sheets = new Map<
    string,
    {
      workbook: ExcelJS.stream.xlsx.WorkbookWriter;
      columns: readonly TableColumn<never>[];
      sheet: Sheet;
      rows: number;
      part: number;
    }
  >();
  readonly counts: XlsxCounts = { truncated_cells: 0 };

  /** `pathOf(table)`: where each table's workbook goes (one workbook a table, each streamed). */
  constructor(
    pathOf: (table: string) => string,
    tables: readonly { name: string; columns: readonly TableColumn<never>[] }[],
  ) {
    for (const t of tables) {
      // One workbook per table: exceljs zips a workbook's sheets one after another, so a second
      // sheet filled at the same time would wait in memory until the first is committed.
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
        filename: pathOf(t.name),
        useSharedStrings: false,
        useStyles: false, // styles cost ~3x the time per row; the header is frozen instead
      });
      const sheet = XlsxTables.addSheet(workbook, t.name, t.columns);
      this.sheets.set(t.name, { workbook, columns: t.columns, sheet, rows: 1, part: 1 });
    }
  }

  private static addSheet(
    workbook: ExcelJS.stream.xlsx.WorkbookWriter,
    name: string,
    columns: readonly TableColumn<never>[],
  ): Sheet {
    const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow(columns.map((c) => c.name)).commit();
    return sheet;
  }

  private value(cell: Cell, column: TableColumn<never>): string | number | boolean | null {
    if (cell === null) return null;
    if (column.type === 'TIMESTAMPTZ' && typeof cell === 'number') return formatUtcMicros(cell);
    if (typeof cell !== 'string') return cell;
    let s = cell.replace(FORBIDDEN_ALL, '\ufffd');
    if (s.length > XLSX_MAX_CELL_CHARS) {
      this.counts.truncated_cells += 1;
      s = s.slice(0, XLSX_MAX_CELL_CHARS - 1);
      if (/[\ud800-\udbff]$/.test(s)) s = s.slice(0, -1);
      s += TRUNCATED;
    }
    return s;
  }

  /** Appends one row of cells (in column order) to `table`. */
  append(table: string, cells: readonly Cell[]): void {
    const t = this.sheets.get(table);
    if (!t) throw new Error(`no table ${table}`);
    if (t.rows >= XLSX_MAX_ROWS) {
      t.sheet.commit();
      t.part += 1;
      t.sheet = XlsxTables.addSheet(t.workbook, `${table}_${t.part}`, t.columns);
      t.rows = 1;
    }
    t.sheet.addRow(t.columns.map((c, i) => this.value(cells[i] ?? null, c))).commit();
    t.rows += 1;
  }

  /** Finishes every sheet and workbook file. */
  async close(): Promise<void> {
    for (const t of this.sheets.values()) {
      t.sheet.commit();
      await t.workbook.commit();
    }
  }
}
