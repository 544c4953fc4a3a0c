import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { folderOutput } from '../research/bundle-outputs.js';
import { MIN_STUDY_KEY_CHARS } from '../research/pseudonyms.js';
import { countMatching, recordEntries } from '../research/record-entries.js';
import { writeBundle } from '../research/research-bundle.js';
import { toRecordQuery } from '../query/list-filters.js';
import { manifestFilters, type BundleQuery } from '../query/list-queries.js';
import type { RecordStore } from '../store/record-store.js';
import { createProgress, type Progress, type ProgressStream } from './progress.js';
import { hasAnnotations } from '../store/annotation-store.js';
import { loadRubrics } from '../review/rubric-loader.js';

/** Exit codes of `exportBundleCommand`. */
export const EXPORT_EXIT = {
  ok: 0,
  /** The bundle is complete, but some listed records could not be read (see its manifest). */
  someUnreadable: 1,
  /** Nothing usable was written: bad arguments or a failure. */
  failed: 2,
} as const;

/**
 * `execution-history export --bundle DIR`: writes the research bundle of the records matching
 * `query` (parsed as the HTTP bundle route parses its query) into the folder `dir` (created;
 * must be empty), with a progress bar on stderr. Returns the exit code (`EXPORT_EXIT`).
 */
export async function exportBundleCommand(
  store: RecordStore,
  args: {
    dir: string;
    query: Partial<BundleQuery>;
    studyKey?: string;
    /** Where runs' media are, for `--media`; default `exports/media`. */
    mediaDir?: string;
    /** Rubrics for the codebook (`configs/rubrics`); default none. */
    rubricsDir?: string;
  },
  io: { stderr: ProgressStream },
): Promise<number> {
  const dir = resolve(args.dir);
  if (args.studyKey !== undefined && args.studyKey.length < MIN_STUDY_KEY_CHARS) {
    io.stderr.write(`error: the study key must have at least ${MIN_STUDY_KEY_CHARS} characters\n`);
    return EXPORT_EXIT.failed;
  }
  try {
    await mkdir(dir, { recursive: true });
    const present = (await readdir(dir)).filter((n) => !n.startsWith('.'));
    if (present.length > 0) {
      io.stderr.write(
        `error: ${dir} is not empty (${present.length} entries); give an empty or new folder\n`,
      );
      return EXPORT_EXIT.failed;
    }
  } catch (error) {
    io.stderr.write(`error: cannot use ${dir}: ${(error as Error).message}\n`);
    return EXPORT_EXIT.failed;
  }
  const scratch = await mkdtemp(join(dir, '.scratch-'));
  let bar: Progress | undefined;
  try {
    const query = toRecordQuery(args.query);
    const [matching, stats] = await Promise.all([countMatching(store, query), store.stats()]);
    const wanted = Math.min(matching - (query.offset ?? 0), query.limit ?? Infinity);
    const total = Math.max(0, wanted);
    bar = createProgress(io.stderr, total, 'exporting');
    let shown = 0;
    const manifest = await writeBundle(recordEntries(store, query), folderOutput(dir), {
      scratchDir: scratch,
      filters: manifestFilters(args.query),
      matching,
      storeUnreadableFiles: stats.unreadable,
      studyKey: args.studyKey,
      omitText: args.query.omit_text,
      annotationsOf: hasAnnotations(store) ? (id) => store.annotationsOf(id) : undefined,
      rubrics: args.rubricsDir ? [...(await loadRubrics(args.rubricsDir)).values()] : [],
      itemsXlsx: args.query.items_xlsx ?? false,
      ...(args.query.media ? { media: { dir: resolve(args.mediaDir ?? 'exports/media') } } : {}),
      onProgress: (done) => {
        bar?.tick(done - shown);
        shown = done;
      },
    });
    const { records, errors, items } = manifest.counts;
    bar.done();
    io.stderr.write(`wrote ${records} records (${items} items) to ${dir}\n`);
    if (errors > 0) {
      io.stderr.write(
        `warning: ${errors} records could not be read; they are listed in manifest.json and marked in records.jsonl\n`,
      );
      return EXPORT_EXIT.someUnreadable;
    }
    if (stats.unreadable > 0)
      io.stderr.write(
        `note: the store holds ${stats.unreadable} unreadable files that are no record (counted in manifest.json)\n`,
      );
    return EXPORT_EXIT.ok;
  } catch (error) {
    io.stderr.write(`\nerror: export failed: ${(error as Error).message}\n`);
    return EXPORT_EXIT.failed;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
