import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { ANNOTATIONS_TABLE } from './annotation-columns.js';
import { csvHeader, csvLine } from './csv.js';
import { ITEMS_TABLE } from './item-columns.js';
import { ParquetTables } from './parquet-tables.js';
import { RUNS_TABLE } from './run-columns.js';
import type { Cell, TableSpec } from './table-column.js';
import { XlsxTables, type XlsxCounts } from './xlsx-tables.js';

/** The bundle's tables; each is written as CSV and Parquet, runs and items also as `.xlsx`. */
export const BUNDLE_TABLES = [
  RUNS_TABLE,
  ITEMS_TABLE,
  ANNOTATIONS_TABLE,
] as unknown as readonly TableSpec<never>[];
/**
 * The tables also written for Excel: `runs.xlsx` always, `items.xlsx` on request (exceljs
 * writes some 7,000 rows a second, and items are many: it would multiply the bundle's time).
 */
export function xlsxTableNames(items: boolean): readonly string[] {
  return items ? [RUNS_TABLE.name, ITEMS_TABLE.name] : [RUNS_TABLE.name];
}

/** A table's cells for one row; free-text cells are null when free text is omitted. */
export function cells<Row>(spec: TableSpec<Row>, row: Row, omitText: boolean): Cell[] {
  return spec.columns.map((c) => (omitText && c.freeText ? null : c.get(row)));
}

async function put(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

async function closeStream(stream: WriteStream): Promise<void> {
  await new Promise<void>((ok, fail) =>
    stream.end((error?: Error | null) => (error ? fail(error) : ok())),
  );
}

/**
 * The tables of a bundle filled row by row into files of a scratch directory: a CSV file per
 * table, a DuckDB database (written out as Parquet) and the spreadsheet; memory stays flat.
 */
export class BundleTables {
  private constructor(
    private readonly dir: string,
    private readonly csv: Map<string, { stream: WriteStream; spec: TableSpec<never> }>,
    private readonly parquet: ParquetTables,
    private readonly xlsx: XlsxTables,
    private readonly xlsxNames: readonly string[],
  ) {}

  /** Opens the tables in `dir`; `itemsXlsx`: write `items.xlsx` too (default false). */
  static async open(dir: string, itemsXlsx = false): Promise<BundleTables> {
    const xlsxNames = xlsxTableNames(itemsXlsx);
    const csv = new Map(
      BUNDLE_TABLES.map((spec) => [
        spec.name,
        { stream: createWriteStream(join(dir, `${spec.name}.csv`)), spec },
      ]),
    );
    for (const { stream, spec } of csv.values()) stream.write(csvHeader(spec.columns));
    const parquet = await ParquetTables.open(dir, BUNDLE_TABLES);
    const xlsx = new XlsxTables(
      (table) => join(dir, `${table}.xlsx`),
      BUNDLE_TABLES.filter((t) => xlsxNames.includes(t.name)),
    );
    return new BundleTables(dir, csv, parquet, xlsx, xlsxNames);
  }

  /** Adds one row of cells to `table` in every format. */
  async append(table: string, row: readonly Cell[]): Promise<void> {
    const t = this.csv.get(table)!;
    this.parquet.append(table, row);
    if (this.xlsxNames.includes(table)) this.xlsx.append(table, row);
    await put(t.stream, csvLine(row, t.spec.columns));
  }

  /** Closes every file; the paths of the finished files by their bundle name follow. */
  async finish(): Promise<{ files: [name: string, path: string][]; xlsx: XlsxCounts }> {
    await Promise.all([...this.csv.values()].map((t) => closeStream(t.stream)));
    await this.xlsx.close();
    const path = (name: string) => join(this.dir, name);
    await this.parquet.writeParquet(
      Object.fromEntries(BUNDLE_TABLES.map((t) => [t.name, path(`${t.name}.parquet`)])),
    );
    const files: [string, string][] = [
      ...BUNDLE_TABLES.map((t): [string, string] => [`${t.name}.csv`, path(`${t.name}.csv`)]),
      ...BUNDLE_TABLES.map((t): [string, string] => [
        `${t.name}.parquet`,
        path(`${t.name}.parquet`),
      ]),
      ...this.xlsxNames.map((t): [string, string] => [`${t}.xlsx`, path(`${t}.xlsx`)]),
    ];
    return { files, xlsx: this.xlsx.counts };
  }

  /** Releases every file and DuckDB (after `finish`, or on failure). */
  close(): void {
    for (const t of this.csv.values()) t.stream.destroy();
    this.parquet.close();
  }
}
