/** Column types of the research tables, as DuckDB (and so Parquet) names them. */
export type ColumnType = 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN' | 'TIMESTAMPTZ';

/** A cell: TIMESTAMPTZ cells are epoch microseconds. */
export type Cell = string | number | boolean | null;

/** One column of a research table: the one definition CSV, Parquet and the codebook share. */
export interface TableColumn<Row> {
  name: string;
  type: ColumnType;
  /** What the column means, for the codebook. */
  description: string;
  /** The values it takes, for the codebook; default: free. */
  values?: string;
  /** Free text of the run (prompts, generated text): left empty when free text is omitted. */
  freeText?: boolean;
  get: (row: Row) => Cell;
}

/** A named table of the bundle. */
export interface TableSpec<Row> {
  name: string;
  /** One sentence: what one row is. */
  row: string;
  columns: readonly TableColumn<Row>[];
}
