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
  /** How far ahead of now a run's start may lie and still count as dated; default one day. */
  clockSkewMillis?: number;
  /** Default `Date.now`. */
  now?: () => number;
}

/**
 * One retention pass: erases every record started more than `retentionDays` ago, and its
 * media, and appends the pass to the erasure log (also when nothing was old enough). A record
 * dated more than `clockSkewMillis` in the future (a sender's wrong clock) has no date to keep
 * it by, so it is due at once, like a record with an unreadable date; otherwise it would never
 * be erased.
 */
export async function applyRetention(
  store: RecordStore,
  options: RetentionOptions,
): Promise<ErasureEntry> {
  const now = (options.now ?? Date.now)();
  const cutoff = now - options.retentionDays * DAY_MILLIS;
  const future = now + (options.clockSkewMillis ?? DAY_MILLIS);
  const old = await deleteMatching(store, { untilMillis: cutoff }, options.mediaDir);
  const ahead = await deleteMatching(store, { sinceMillis: future + 1 }, options.mediaDir);
  const executionIds = [...old.executionIds, ...ahead.executionIds];
  const entry: ErasureEntry = {
    time: new Date(now).toISOString(),
    reason: 'retention',
    source: 'retention',
    retention_days: options.retentionDays,
    older_than: new Date(cutoff).toISOString(),
    newer_than: new Date(future).toISOString(),
    execution_ids: executionIds,
    records_deleted: executionIds.length,
    media_dirs_deleted: old.mediaDirs + ahead.mediaDirs,
    annotations_deleted: old.annotations + ahead.annotations,
  };
  await options.log.append(entry);
  return entry;
}
