import type { RecordStore } from '../store/record-store.js';
import { deleteMatching } from './delete-matching.js';
import type { ErasureEntry, ErasureLog } from './erasure-log.js';

/** Whose data to erase: exactly one of a user id or a session id. */
export type ErasureSubject =
  { userId: string; sessionId?: never } | { sessionId: string; userId?: never };

/** The store query of every record of `subject`. */
export function subjectQuery(subject: ErasureSubject): { userId: string } | { sessionId: string } {
  return subject.userId !== undefined
    ? { userId: subject.userId }
    : { sessionId: subject.sessionId };
}

/** Options of `eraseSubject`. */
export interface EraseOptions {
  mediaDir: string;
  log: ErasureLog;
  source: 'api' | 'cli';
  /** Ends the recording of a run still going before it is deleted; default none. */
  discard?: (executionId: string) => Promise<void>;
  /**
   * The subject's runs not in the store yet (open in an assembler, held in a spool while the
   * store fails); erased too, so they never land later. Default none.
   */
  pendingIds?: (subject: ErasureSubject) => string[];
  /** Default `Date.now`. */
  now?: () => number;
}

/**
 * Erases every record of a user or a session, their annotations and media, then appends the erasure (ids,
 * time, reason) to the log. Returns the log entry.
 */
export async function eraseSubject(
  store: RecordStore,
  subject: ErasureSubject,
  options: EraseOptions,
): Promise<ErasureEntry> {
  const deleted = await deleteMatching(
    store,
    subjectQuery(subject),
    options.mediaDir,
    options.discard,
    () => options.pendingIds?.(subject) ?? [],
  );
  const entry: ErasureEntry = {
    time: new Date((options.now ?? Date.now)()).toISOString(),
    reason: 'erasure_request',
    source: options.source,
    ...(subject.userId !== undefined
      ? { user_id: subject.userId }
      : { session_id: subject.sessionId }),
    execution_ids: deleted.executionIds,
    records_deleted: deleted.executionIds.length,
    media_dirs_deleted: deleted.mediaDirs,
    annotations_deleted: deleted.annotations,
  };
  await options.log.append(entry);
  return entry;
}
