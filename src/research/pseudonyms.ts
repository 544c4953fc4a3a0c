import { createHmac } from 'node:crypto';
import type { ExecutionRecord } from '../domain/execution-record.js';

/** The shortest study key accepted (`STUDY_KEY`, `X-Study-Key`); a short one is guessable. */
export const MIN_STUDY_KEY_CHARS = 16;

/** The fields replaced by study pseudonyms, wherever they occur in a record. */
export const PSEUDONYM_FIELDS = ['user_id', 'session_id'] as const;
type PseudonymField = (typeof PSEUDONYM_FIELDS)[number];

/**
 * The study pseudonym of an id: HMAC-SHA256 under the study key of `field` and the value,
 * 64 hex digits. The same id gets the same pseudonym within a study and an unrelated one in
 * another study, so exports of two studies cannot be joined on it.
 */
export function pseudonym(studyKey: string, field: PseudonymField, value: string): string {
  return createHmac('sha256', studyKey).update(`${field}\u0000${value}`).digest('hex');
}

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
