import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { toRecordQuery } from '../query/list-filters.js';
import type { QdpxQuery } from '../query/list-queries.js';
import { zipOutput } from '../research/bundle-outputs.js';
import { MIN_STUDY_KEY_CHARS } from '../research/pseudonyms.js';
import { recordEntries } from '../research/record-entries.js';
import { writeQdpx } from '../research/refi-qda-project.js';
import { loadRubrics } from '../review/rubric-loader.js';
import { hasAnnotations } from '../store/annotation-store.js';
import type { RecordStore } from '../store/record-store.js';
import { EXPORT_EXIT } from './export-bundle-command.js';
import type { ProgressStream } from './progress.js';

/**
 * `execution-history export --qdpx FILE`: writes the REFI-QDA project of the records matching
 * `query` (parsed as the HTTP route parses its query) to `file` (must not exist yet). Returns
 * the exit code (`EXPORT_EXIT`).
 */
export async function exportQdpxCommand(
  store: RecordStore,
  args: {
    file: string;
    query: Partial<QdpxQuery>;
    studyKey?: string;
    /** Where runs' media are (their images become picture sources); default none. */
    mediaDir?: string;
    /** Rubrics for the code labels (`configs/rubrics`); default none. */
    rubricsDir?: string;
  },
  io: { stderr: ProgressStream },
): Promise<number> {
  const file = resolve(args.file);
  if (args.studyKey !== undefined && args.studyKey.length < MIN_STUDY_KEY_CHARS) {
    io.stderr.write(`error: the study key must have at least ${MIN_STUDY_KEY_CHARS} characters\n`);
    return EXPORT_EXIT.failed;
  }
  if (
    await stat(file).then(
      () => true,
      () => false,
    )
  ) {
    io.stderr.write(`error: ${file} exists; give a new file name\n`);
    return EXPORT_EXIT.failed;
  }
  const scratch = await mkdtemp(join(dirname(file), '.qdpx-scratch-'));
  const out = createWriteStream(file, { flags: 'wx' });
  try {
    const zip = zipOutput(async (chunk) => {
      if (!out.write(chunk)) await once(out, 'drain');
    });
    const counts = await writeQdpx(recordEntries(store, toRecordQuery(args.query)), zip, {
      scratchDir: scratch,
      mediaDir: args.mediaDir,
      studyKey: args.studyKey,
      annotationsOf: hasAnnotations(store) ? (id) => store.annotationsOf(id) : undefined,
      rubrics: args.rubricsDir ? [...(await loadRubrics(args.rubricsDir)).values()] : [],
    });
    await zip.finish();
    await new Promise<void>((ok, fail) => out.end((e?: Error | null) => (e ? fail(e) : ok())));
    io.stderr.write(
      `wrote ${counts.text_sources} runs (${counts.picture_sources} pictures, ${counts.audio_sources} sounds, ${counts.video_sources} videos, ${counts.codings} codings) to ${file}\n`,
    );
    if (counts.errors > 0) {
      io.stderr.write(`warning: ${counts.errors} records could not be read and are not in it\n`);
      return EXPORT_EXIT.someUnreadable;
    }
    return EXPORT_EXIT.ok;
  } catch (error) {
    out.destroy();
    await rm(file, { force: true });
    io.stderr.write(`error: export failed: ${(error as Error).message}\n`);
    return EXPORT_EXIT.failed;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
