import { join } from 'node:path';
import {
  DuckDBInstance,
  timestampTZValue,
  type DuckDBAppender,
  type DuckDBConnection,
} from '@duckdb/node-api';
import type { Cell, TableColumn } from './table-column.js';

/** Options of `ParquetTables.open`. */
export interface ParquetTablesOptions {
  /** DuckDB's memory limit; beyond it DuckDB spills to the scratch directory. Default `128MB`. */
  memoryLimit?: string;
  /** DuckDB threads; default 1 (more threads buffer more rows at once while writing Parquet). */
  threads?: number;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const quoteString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/**
 * Tables filled row by row through DuckDB appenders into a database file in a scratch
 * directory (so memory stays flat however many rows), then written as Parquet by DuckDB's
 * own writer with `COPY ... (FORMAT parquet)`.
 */
export class ParquetTables {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly appenders: Map<
      string,
      { appender: DuckDBAppender; columns: readonly TableColumn<never>[] }
    >,
  ) {}

  static async open(
    scratchDir: string,
    tables: readonly { name: string; columns: readonly TableColumn<never>[] }[],
    options: ParquetTablesOptions = {},
  ): Promise<ParquetTables> {
    const instance = await DuckDBInstance.create(join(scratchDir, 'tables.duckdb'), {
      memory_limit: options.memoryLimit ?? '128MB',
      threads: String(options.threads ?? 1),
      temp_directory: join(scratchDir, 'duckdb-tmp'),
    });
    const connection = await instance.connect();
    const appenders = new Map<
      string,
      { appender: DuckDBAppender; columns: readonly TableColumn<never>[] }
    >();
    try {
      for (const t of tables) {
        const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
        await connection.run(`CREATE TABLE ${quoteIdent(t.name)} (${cols})`);
        appenders.set(t.name, {
          appender: await connection.createAppender(t.name),
          columns: t.columns,
        });
      }
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      throw error;
    }
    return new ParquetTables(instance, connection, appenders);
  }

  /** Appends one row of cells (in column order) to `table`. */
  append(table: string, cells: readonly Cell[]): void {
    const t = this.appenders.get(table);
    if (!t) throw new Error(`no table ${table}`);
    t.columns.forEach((column, i) => {
      const v = cells[i] ?? null;
      if (v === null) return t.appender.appendNull();
      switch (column.type) {
        case 'VARCHAR':
          return t.appender.appendVarchar(String(v));
        case 'INTEGER':
          return t.appender.appendInteger(Number(v));
        case 'BIGINT':
          return t.appender.appendBigInt(BigInt(v as number));
        case 'DOUBLE':
          return t.appender.appendDouble(Number(v));
        case 'BOOLEAN':
          return t.appender.appendBoolean(Boolean(v));
        case 'TIMESTAMPTZ':
          return t.appender.appendTimestampTZ(timestampTZValue(BigInt(v as number)));
      }
    });
    t.appender.endRow();
  }

  /** Flushes every table and writes each as a Parquet file (`paths`: table name -> file). */
  async writeParquet(paths: Record<string, string>): Promise<void> {
    for (const [name, t] of this.appenders) {
      t.appender.flushSync();
      t.appender.closeSync();
      const path = paths[name];
      if (path)
        await this.connection.run(
          `COPY ${quoteIdent(name)} TO ${quoteString(path)} (FORMAT parquet, COMPRESSION zstd)`,
        );
    }
    this.appenders.clear();
  }

  /** Releases DuckDB (the database file stays in the scratch directory). */
  close(): void {
    for (const t of this.appenders.values()) {
      try {
        t.appender.closeSync();
      } catch {
        // already failed; closing is best effort
      }
    }
    this.appenders.clear();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
