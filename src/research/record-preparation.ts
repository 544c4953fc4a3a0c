import type { ExecutionRecord } from '../domain/execution-record.js';
import { pseudonymizeRecord } from './pseudonyms.js';

/** What an export does to each record before writing it. */
export interface PreparationOptions {
  /** Study key: `user_id` and `session_id` become study pseudonyms; default: none (ids as recorded). */
  studyKey?: string;
  /** Leave out free text (every item's `content`); default false. */
  omitText?: boolean;
}

/** The record without free text: every item's `content` is null. */
export function omitFreeText(record: ExecutionRecord): ExecutionRecord {
  return { ...record, items: record.items.map((i) => ({ ...i, content: null })) };
}

/** The record as this export writes it: pseudonymised and without free text when asked. */
export function prepareRecord(
  record: ExecutionRecord,
  options: PreparationOptions,
): ExecutionRecord {
  const keyed = options.studyKey ? pseudonymizeRecord(record, options.studyKey) : record;
  return options.omitText ? omitFreeText(keyed) : keyed;
}
