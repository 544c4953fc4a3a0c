import type { RecordStore } from '../store/record-store.js';
import { deleteMatching } from './delete-matching.js';
import type { ErasureEntry, ErasureLog } from './erasure-log.js';

const DAY_MILLIS = 86_400_000;

/** Options of `applyRetention`. */
export interface RetentionOptions {
  /** Records whose run started more than this many days ago are erased. */
  retentionDays: number;
  mediaDir: string;
  log: ErasureLog;
  /** Default `Date.now`. */
  now?: () => number;
}

/**
 * One retention pass: erases every record started more than `retentionDays` ago, and its
 * media, and appends the pass to the erasure log (also when nothing was old enough).
 */
export async function applyRetention(
  store: RecordStore,
  options: RetentionOptions,
): Promise<ErasureEntry> {
  const now = (options.now ?? Date.now)();
  const cutoff = now - options.retentionDays * DAY_MILLIS;
  const deleted = await deleteMatching(store, { untilMillis: cutoff }, options.mediaDir);
  const entry: ErasureEntry = {
    time: new Date(now).toISOString(),
    reason: 'retention',
    source: 'retention',
    retention_days: options.retentionDays,
    older_than: new Date(cutoff).toISOString(),
    execution_ids: deleted.executionIds,
    records_deleted: deleted.executionIds.length,
    media_dirs_deleted: deleted.mediaDirs,
  };
  await options.log.append(entry);
  return entry;
}
