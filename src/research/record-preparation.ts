import type { ExecutionRecord } from '../domain/execution-record.js';
import { withoutChildText } from '../domain/child-text-fields.js';
import { pseudonymizeRecord } from './pseudonyms.js';

/** What an export does to each record before writing it. */
export interface PreparationOptions {
  /** Study key: `user_id` and `session_id` become study pseudonyms; default: none (ids as recorded). */
  studyKey?: string;
  /** Leave out free text (every item's `content`, child's words in metadata); default false. */
  omitText?: boolean;
}

/**
 * The record with no child's words in item metadata (`CHILD_TEXT_METADATA_KEYS`: counts and
 * lengths instead); `content` is kept.
 */
export function omitMetadataText(record: ExecutionRecord): ExecutionRecord {
  return {
    ...record,
    items: record.items.map((i) => ({ ...i, metadata: withoutChildText(i.metadata) })),
  };
}

/**
 * The record without free text: every item's `content` is null, and item metadata keeps no
 * child's words (`omitMetadataText`).
 */
export function omitFreeText(record: ExecutionRecord): ExecutionRecord {
  return {
    ...record,
    items: record.items.map((i) => ({
      ...i,
      content: null,
      metadata: withoutChildText(i.metadata),
    })),
  };
}

/** The record as this export writes it: pseudonymised and without free text when asked. */
export function prepareRecord(
  record: ExecutionRecord,
  options: PreparationOptions,
): ExecutionRecord {
  const keyed = options.studyKey ? pseudonymizeRecord(record, options.studyKey) : record;
  return options.omitText ? omitFreeText(keyed) : keyed;
}
