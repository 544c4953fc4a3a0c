import { z } from 'zod';

/** What a study id or a condition may be: 1-64 letters, digits, `_`, `-` or `.`. */
export const STUDY_LABEL_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** A study id or condition as a request names it (a short, safe label, never free text). */
export const StudyLabelSchema = z
  .string()
  .regex(STUDY_LABEL_PATTERN, 'expected 1-64 letters, digits, "_", "-" or "."');

/** The label when it is one, else undefined (for values read from spans of other senders). */
export function studyLabel(value: unknown): string | undefined {
  return typeof value === 'string' && STUDY_LABEL_PATTERN.test(value) ? value : undefined;
}
