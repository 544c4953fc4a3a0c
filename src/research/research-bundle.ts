import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Annotation } from '../domain/annotation.js';
import type { ExecutionRecord } from '../domain/execution-record.js';
import { ANNOTATIONS_TABLE } from './annotation-columns.js';
import { buildManifest, type BundleFile, type BundleManifest } from './bundle-manifest.js';
import { codebook } from './codebook.js';
import { csvHeader, csvLine } from './csv.js';
import { ITEMS_TABLE, type ItemRow } from './item-columns.js';
import { errorLine, jsonLine } from './json-lines.js';
import { ParquetTables } from './parquet-tables.js';
import { pseudonymizeFilters, pseudonymizeRecord, reviewerPseudonym } from './pseudonyms.js';
import type { RecordEntry } from './record-entries.js';
import { recordJsonSchema } from './record-json-schema.js';
import { omitFreeText, omitMetadataText, type PreparationOptions } from './record-preparation.js';
import { RUNS_TABLE } from './run-columns.js';
import type { Cell, TableSpec } from './table-column.js';
import type { ByteSource } from './zip-writer.js';

/** Where a bundle's files go: a folder (CLI) or the entries of a streamed ZIP (HTTP). */
export interface BundleOutput {
  /** Writes one file of the bundle from its bytes; files are written one after another. */
  file(name: string, bytes: ByteSource, compressed: boolean): Promise<void>;
}

/** Options of `writeBundle`. */
export interface BundleOptions extends PreparationOptions {
  /** A directory the bundle may use for its intermediate files (the caller removes it). */
  scratchDir: string;
  /** The filters as given, for the manifest (ids pseudonymised with `studyKey`); default {}. */
  filters?: Record<string, unknown>;
  /** Records the filters matched, for the manifest and progress. */
  matching: number;
  /** Store files that are no readable record (`RecordStore.stats().unreadable`); default 0. */
  storeUnreadableFiles?: number;
  /** Told after each record or error entry; default: nothing. */
  onProgress?: (done: number, total: number) => void;
  /** A run's annotations, for `annotations.csv`; default none (the file has its header only). */
  annotationsOf?: (executionId: string) => Promise<Annotation[]>;
  /** Time of the export; default now. */
  now?: Date;
}

/** The bundle's files in the order they are written (manifest.json last). */
export const BUNDLE_FILES = [
  'records.jsonl',
  'runs.csv',
  'items.csv',
  'annotations.csv',
  'runs.parquet',
  'items.parquet',
  'schema.json',
  'codebook.md',
  'manifest.json',
] as const;

const TABLES = [RUNS_TABLE, ITEMS_TABLE] as unknown as readonly TableSpec<never>[];

function cells<Row>(spec: TableSpec<Row>, row: Row, omitText: boolean): Cell[] {
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
 * Writes a research bundle of the entries (records.jsonl, runs and items as CSV and Parquet,
 * annotations.csv,
 * schema.json, codebook.md, manifest.json) to `output`, in one pass over the records: the
 * JSONL streams straight to the output, the tables go to the scratch directory (CSV files and
 * a DuckDB file) and follow. Memory stays flat in the number of records.
 */
export async function writeBundle(
  entries: AsyncIterable<RecordEntry>,
  output: BundleOutput,
  options: BundleOptions,
): Promise<BundleManifest> {
  const omitText = options.omitText ?? false;
  const files: BundleFile[] = [];
  const counts = {
    matching: options.matching,
    records: 0,
    items: 0,
    errors: 0,
    store_unreadable_files: options.storeUnreadableFiles ?? 0,
  };
  const errors: BundleManifest['errors'] = [];
  const scratch = (name: string) => join(options.scratchDir, name);
  const measured = async function* (name: string, source: ByteSource) {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of source) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      hash.update(b);
      bytes += b.length;
      yield b;
    }
    files.push({ name, bytes, sha256: hash.digest('hex') });
  };
  const write = (name: string, source: ByteSource, compressed = false) =>
    output.file(name, measured(name, source), compressed);

  const runsCsv = createWriteStream(scratch('runs.csv'));
  const itemsCsv = createWriteStream(scratch('items.csv'));
  const annotationsCsv = createWriteStream(scratch('annotations.csv'));
  const annotationColumns = ANNOTATIONS_TABLE.columns as never;
  const tables = await ParquetTables.open(options.scratchDir, TABLES);
  try {
    await put(runsCsv, csvHeader(RUNS_TABLE.columns as never));
    await put(itemsCsv, csvHeader(ITEMS_TABLE.columns as never));
    await put(annotationsCsv, csvHeader(annotationColumns));
    const addRecord = async (recorded: ExecutionRecord): Promise<string> => {
      // Tables: free-text columns are emptied by `cells`; metadata loses the child's words here.
      const record = omitText ? omitMetadataText(recorded) : recorded;
      const runCells = cells(RUNS_TABLE, record, omitText);
      tables.append('runs', runCells);
      await put(runsCsv, csvLine(runCells, RUNS_TABLE.columns as never));
      for (const item of record.items) {
        const itemCells = cells<ItemRow>(
          ITEMS_TABLE,
          { execution_id: record.execution_id, item },
          omitText,
        );
        tables.append('items', itemCells);
        await put(itemsCsv, csvLine(itemCells, ITEMS_TABLE.columns as never));
      }
      counts.items += record.items.length;
      for (const annotation of (await options.annotationsOf?.(record.execution_id)) ?? []) {
        if (annotation.deleted_at !== null) continue;
        const reviewer = options.studyKey
          ? reviewerPseudonym(options.studyKey, annotation.reviewer)
          : annotation.reviewer;
        const row = cells(ANNOTATIONS_TABLE, { annotation, reviewer }, omitText);
        await put(annotationsCsv, csvLine(row, annotationColumns));
      }
      return jsonLine(omitText ? omitFreeText(recorded) : recorded);
    };
    let done = 0;
    const lines = async function* (): AsyncGenerator<string> {
      for await (const entry of entries) {
        if (entry.kind === 'error') {
          counts.errors += 1;
          errors.push({ execution_id: entry.execution_id, message: entry.message });
          yield errorLine(entry);
        } else {
          counts.records += 1;
          const record = options.studyKey
            ? pseudonymizeRecord(entry.record, options.studyKey)
            : entry.record;
          yield await addRecord(record);
        }
        options.onProgress?.((done += 1), options.matching);
      }
    };
    await write('records.jsonl', lines());
    await Promise.all([closeStream(runsCsv), closeStream(itemsCsv), closeStream(annotationsCsv)]);
    await tables.writeParquet({ runs: scratch('runs.parquet'), items: scratch('items.parquet') });
  } finally {
    runsCsv.destroy();
    itemsCsv.destroy();
    annotationsCsv.destroy();
    tables.close();
  }
  await write('runs.csv', createReadStream(scratch('runs.csv')));
  await write('items.csv', createReadStream(scratch('items.csv')));
  await write('annotations.csv', createReadStream(scratch('annotations.csv')));
  await write('runs.parquet', createReadStream(scratch('runs.parquet')), true);
  await write('items.parquet', createReadStream(scratch('items.parquet')), true);
  await write('schema.json', [`${JSON.stringify(recordJsonSchema(), null, 2)}\n`]);
  const pseudonymized = Boolean(options.studyKey);
  await write('codebook.md', [codebook(TABLES, { pseudonymized, omitText })]);
  const manifest = buildManifest({
    createdAt: options.now ?? new Date(),
    filters: options.studyKey
      ? pseudonymizeFilters(options.filters ?? {}, options.studyKey)
      : (options.filters ?? {}),
    pseudonymized,
    omitText,
    counts,
    errors,
    files: [...files],
  });
  await output.file('manifest.json', [`${JSON.stringify(manifest, null, 2)}\n`], false);
  return manifest;
}
