import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Annotation } from '../domain/annotation.js';
import type { ExecutionRecord } from '../domain/execution-record.js';
import { ANNOTATIONS_TABLE } from './annotation-columns.js';
import { buildManifest, type BundleFile, type BundleManifest } from './bundle-manifest.js';
import { BundleMedia, type BundleMediaOptions } from './bundle-media.js';
import { BUNDLE_TABLES, BundleTables, cells } from './bundle-tables.js';
import { codebook } from './codebook.js';
import { ITEMS_TABLE, type ItemRow } from './item-columns.js';
import { errorLine, jsonLine } from './json-lines.js';
import { pseudonymizeFilters, pseudonymizeRecord, reviewerPseudonym } from './pseudonyms.js';
import type { RecordEntry } from './record-entries.js';
import { recordJsonSchema } from './record-json-schema.js';
import { omitFreeText, omitMetadataText, type PreparationOptions } from './record-preparation.js';
import type { Rubric } from '../review/rubric.js';
import { RUNS_TABLE } from './run-columns.js';
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
  /** The rubrics annotations follow, for the codebook; default none. */
  rubrics?: readonly Rubric[];
  /** Write `items.xlsx` besides `runs.xlsx`; default false (it multiplies the export's time). */
  itemsXlsx?: boolean;
  /** Put each output's file in the bundle (under `media/`); default: no media. */
  media?: BundleMediaOptions;
}

/**
 * The bundle's files in the order they are written (`items.xlsx` on request; media files before
 * manifest.json, last).
 */
export const BUNDLE_FILES = [
  'records.jsonl',
  'runs.csv',
  'items.csv',
  'annotations.csv',
  'runs.parquet',
  'items.parquet',
  'annotations.parquet',
  'runs.xlsx',
  'schema.json',
  'codebook.md',
  'manifest.json',
] as const;

/**
 * Writes a research bundle of the entries (records.jsonl; runs, items and annotations as CSV and
 * Parquet; runs and items as `runs.xlsx` and `items.xlsx`; with `media`, each output's file under `media/`;
 * schema.json, codebook.md, manifest.json) to `output`, in one pass over the records: the JSONL
 * streams straight to the output, the tables go to the scratch directory and follow, then the
 * media. Memory stays flat in the number of records.
 */
export async function writeBundle(
  entries: AsyncIterable<RecordEntry>,
  output: BundleOutput,
  options: BundleOptions,
): Promise<BundleManifest> {
  const omitText = options.omitText ?? false;
  const files: BundleFile[] = [];
  const counts: BundleManifest['counts'] = {
    matching: options.matching,
    records: 0,
    items: 0,
    annotations: 0,
    errors: 0,
    store_unreadable_files: options.storeUnreadableFiles ?? 0,
  };
  const errors: BundleManifest['errors'] = [];
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
  const media = options.media ? new BundleMedia(options.media) : null;

  const tables = await BundleTables.open(options.scratchDir, options.itemsXlsx ?? false);
  let finished: Awaited<ReturnType<BundleTables['finish']>>;
  try {
    const addRecord = async (recorded: ExecutionRecord): Promise<string> => {
      // Tables: free-text columns are emptied by `cells`; metadata loses the child's words here.
      const record = omitText ? omitMetadataText(recorded) : recorded;
      await tables.append('runs', cells(RUNS_TABLE, record, omitText));
      for (const item of record.items) {
        const row: ItemRow = {
          execution_id: record.execution_id,
          item,
          media: media ? await media.link(record.execution_id, item) : null,
        };
        await tables.append('items', cells(ITEMS_TABLE, row, omitText));
      }
      counts.items += record.items.length;
      for (const annotation of (await options.annotationsOf?.(record.execution_id)) ?? []) {
        if (annotation.deleted_at !== null) continue;
        const reviewer = options.studyKey
          ? reviewerPseudonym(options.studyKey, annotation.reviewer)
          : annotation.reviewer;
        await tables.append(
          'annotations',
          cells(ANNOTATIONS_TABLE, { annotation, reviewer }, omitText),
        );
        counts.annotations += 1;
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
    finished = await tables.finish();
  } finally {
    tables.close();
  }
  for (const [name, path] of finished.files)
    await write(name, createReadStream(path), name.endsWith('.parquet') || name.endsWith('.xlsx'));
  await write('schema.json', [`${JSON.stringify(recordJsonSchema(), null, 2)}\n`]);
  const pseudonymized = Boolean(options.studyKey);
  await write('codebook.md', [
    codebook(BUNDLE_TABLES, {
      pseudonymized,
      omitText,
      media: media !== null,
      rubrics: options.rubrics,
    }),
  ]);
  for (const m of media?.entries() ?? []) await write(m.name, createReadStream(m.path), true);
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
    media: media ? media.counts : null,
    xlsx: finished.xlsx,
  });
  await output.file('manifest.json', [`${JSON.stringify(manifest, null, 2)}\n`], false);
  return manifest;
}
