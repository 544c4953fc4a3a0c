import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseRecord } from '../domain/record-codec.js';
import { isProcessAlive } from './directory-lock.js';
import { indexEntry, type IndexEntry } from './record-index.js';

const RECORD_FILE = /^(exec_\d{8}_\d{6}_[0-9a-f]{8})\.json$/;
/** Temp files of a save: `.tmp-<pid>-<counter>-<id>`; the owner's pid tells a crash's leftovers from live writes. */
export const TEMP_PREFIX = '.tmp-';
const TEMP_FILE = /^\.tmp-(\d+)-/;

/** What a scan of a record directory found: an index entry per readable record, and why others are not. */
export interface RecordScan {
  entries: IndexEntry[];
  unreadable: Map<string, string>;
}

/**
 * Reads every `<execution_id>.json` of `directory` (`concurrency` files at once) into index
 * entries; files that are not records are named with the reason; temp files of dead processes
 * are removed; dot files are skipped.
 */
export async function scanRecordFiles(
  directory: string,
  concurrency: number,
  warn: (message: string) => void,
): Promise<RecordScan> {
  const names = await readdir(directory, { withFileTypes: true });
  const scan: RecordScan = { entries: [], unreadable: new Map() };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const entry = names[next++]!;
      if (!entry.isFile()) continue;
      const indexed = await load(directory, entry.name, scan, warn);
      if (indexed) scan.entries.push(indexed);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return scan;
}

async function load(
  directory: string,
  name: string,
  scan: RecordScan,
  warn: (message: string) => void,
): Promise<IndexEntry | undefined> {
  const path = join(directory, name);
  if (name.startsWith(TEMP_PREFIX)) {
    // Left by a crash mid-save: removed only when its owner is dead.
    const owner = Number(TEMP_FILE.exec(name)?.[1]);
    if (owner !== process.pid && !isProcessAlive(owner))
      await rm(path, { force: true }).catch(() => {});
    return undefined;
  }
  if (name.startsWith('.')) return undefined;
  try {
    const match = RECORD_FILE.exec(name);
    if (!match) throw new Error('not named <execution_id>.json');
    const bytes = await readFile(path);
    const { record, warnings } = parseRecord(bytes.toString('utf8'), name);
    if (record.execution_id !== match[1]) {
      throw new Error(`holds execution_id ${record.execution_id}`);
    }
    warnings.forEach((w) => warn(w));
    return indexEntry(record, bytes.length);
  } catch (error) {
    const reason = (error as Error).message;
    scan.unreadable.set(name, reason);
    warn(`skipping ${name}: ${reason}`);
    return undefined;
  }
}
