import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionRecord } from '../domain/execution-record.js';
import { parseRecord, RecordFormatError } from '../domain/record-codec.js';
import type { Progress } from './progress.js';

/** Where imported records go: a store that says when an id was deleted (tombstoned). */
export interface ImportTarget {
  trySave(record: ExecutionRecord): Promise<boolean>;
}

/** Options of `importRecords`. */
export interface ImportOptions {
  /** Files read and saved at once; default 8. */
  concurrency?: number;
  /** Makes the progress display once the count of files is known. */
  progress?: (total: number) => Progress;
  /** Receives one line per unreadable file and per warning (never record content). */
  report?: (line: string) => void;
}

/** What an import did. */
export interface ImportSummary {
  /** Record files seen (dot files and temp files left by a crash are not counted). */
  files: number;
  imported: number;
  /** Records not written because their id was deleted from the store before. */
  deleted: number;
  unreadable: { name: string; reason: string }[];
}

const RECORD_FILE = /^(exec_\d{8}_\d{6}_[0-9a-f]{8})\.json$/;

/** Why a file is not a record, without quoting its content (it may hold a child's prompt). */
function reasonOf(error: unknown): string {
  if (error instanceof RecordFormatError && error.problem.startsWith('invalid JSON'))
    return 'invalid JSON';
  if (error instanceof RecordFormatError) return error.problem.replace(/\s*\n\s*/g, '; ');
  return (error as Error).message;
}

/**
 * Loads every record file of `directory` (the file store's layout, legacy records included)
 * into `target`. Saving is an upsert, so importing twice leaves the same store.
 */
export async function importRecords(
  target: ImportTarget,
  directory: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const names = (await readdir(directory, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  const summary: ImportSummary = { files: names.length, imported: 0, deleted: 0, unreadable: [] };
  const report = options.report ?? (() => {});
  const progress = options.progress?.(names.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++]!;
      let record: ExecutionRecord;
      try {
        const match = RECORD_FILE.exec(name);
        if (!match) throw new Error('not named <execution_id>.json');
        const parsed = parseRecord(await readFile(join(directory, name), 'utf8'), name);
        if (parsed.record.execution_id !== match[1])
          throw new Error(`holds execution_id ${parsed.record.execution_id}`);
        parsed.warnings.forEach(report);
        record = parsed.record;
      } catch (error) {
        const reason = reasonOf(error);
        summary.unreadable.push({ name, reason });
        report(`unreadable ${name}: ${reason}`);
        progress?.tick();
        continue;
      }
      if (await target.trySave(record)) summary.imported += 1;
      else summary.deleted += 1;
      progress?.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  progress?.done();
  summary.unreadable.sort((a, b) => (a.name < b.name ? -1 : 1));
  return summary;
}
