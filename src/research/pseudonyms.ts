import { createHmac } from 'node:crypto';
import { PSEUDONYM_FIELDS, pseudonym, type PseudonymField } from '../domain/study-pseudonym.js';
import type { ExecutionRecord } from '../domain/execution-record.js';

export { MIN_STUDY_KEY_CHARS, PSEUDONYM_FIELDS, pseudonym } from '../domain/study-pseudonym.js';

/** The study pseudonym of a reviewer (as `pseudonym`, its own field, so never equal to an id's). */
export function reviewerPseudonym(studyKey: string, reviewer: string): string {
  return createHmac('sha256', studyKey).update(`reviewer\u0000${reviewer}`).digest('hex');
}

function replaceIds(value: unknown, studyKey: string): unknown {
  if (Array.isArray(value)) return value.map((v) => replaceIds(v, studyKey));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      (PSEUDONYM_FIELDS as readonly string[]).includes(k) && typeof v === 'string'
        ? pseudonym(studyKey, k as PseudonymField, v)
        : replaceIds(v, studyKey);
  }
  return out;
}

/** The record with `user_id` and `session_id` replaced by study pseudonyms, item metadata too. */
export function pseudonymizeRecord(record: ExecutionRecord, studyKey: string): ExecutionRecord {
  return replaceIds(record, studyKey) as ExecutionRecord;
}

/** Filter names (API and CLI spellings) that hold an id replaced by study pseudonyms. */
const FILTER_FIELDS: Readonly<Record<string, PseudonymField>> = {
  user_id: 'user_id',
  userId: 'user_id',
  session_id: 'session_id',
  sessionId: 'session_id',
};

/**
 * Filters as a pseudonymised bundle's manifest shows them: a `user_id` or `session_id` filter
 * becomes its study pseudonym (which the bundle's records carry), never the real id.
 */
export function pseudonymizeFilters(
  filters: Record<string, unknown>,
  studyKey: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(filters)) {
    const field = FILTER_FIELDS[k];
    out[k] = field && typeof v === 'string' ? pseudonym(studyKey, field, v) : v;
  }
  return out;
}
