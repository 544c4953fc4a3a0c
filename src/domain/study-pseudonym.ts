import { createHmac } from 'node:crypto';
import { z } from 'zod';

/** The shortest study key accepted (`STUDY_KEY`, `GENAI_STUDY_KEY`, `X-Study-Key`); a short one is guessable. */
export const MIN_STUDY_KEY_CHARS = 16;

/** What is wrong with a study key named `name` (a variable or header); null when it is fine. */
export function studyKeyProblem(key: string, name: string): string | null {
  return key.length < MIN_STUDY_KEY_CHARS
    ? `${name} must be at least ${MIN_STUDY_KEY_CHARS} characters`
    : null;
}

/** A study key in the environment variable `name`: the same rule as `studyKeyProblem`. */
export const studyKeySchema = (name: string) =>
  z.string().min(MIN_STUDY_KEY_CHARS, `${name} must be at least ${MIN_STUDY_KEY_CHARS} characters`);

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
