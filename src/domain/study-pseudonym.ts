import { createHmac } from 'node:crypto';

/** The fields replaced by study pseudonyms, wherever they occur in a record. */
export const PSEUDONYM_FIELDS = ['user_id', 'session_id'] as const;
export type PseudonymField = (typeof PSEUDONYM_FIELDS)[number];

/**
 * The study pseudonym of an id: HMAC-SHA256 under the study key of `field` and the value,
 * 64 hex digits. The same id gets the same pseudonym within a study and an unrelated one in
 * another study, so exports of two studies cannot be joined on it.
 */
export function pseudonym(studyKey: string, field: PseudonymField, value: string): string {
  return createHmac('sha256', studyKey).update(`${field}\u0000${value}`).digest('hex');
}
