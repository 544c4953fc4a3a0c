import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import { ATTR_SESSION_ID, ATTR_USER_ID } from '../tracker/attributes.js';
import type { ExportReport, RunSubject } from './run-assembler-options.js';
import type { SpanRefusal } from './run-limits.js';

/** A FAILED report with `error` (nothing pending). */
export function failedReport(error: unknown, refused: SpanRefusal[] = []): ExportReport {
  const e = error instanceof Error ? error : new Error(String(error));
  return { result: { code: ExportResultCode.FAILED, error: e }, refused, pending: 0 };
}

/** A SUCCESS report: every save the spans started landed, or none was started. */
export function savedReport(refused: SpanRefusal[]): ExportReport {
  return { result: { code: ExportResultCode.SUCCESS }, refused, pending: 0 };
}

/**
 * The report of the saves' outcomes: SUCCESS when all landed, else FAILED with `lastError`
 * (held saves counted as pending).
 */
export function outcomesReport(
  outcomes: readonly unknown[],
  refused: SpanRefusal[],
  lastError: string | null,
): ExportReport {
  const pending = outcomes.filter((o) => o === 'pending').length;
  const unsaved = pending + outcomes.filter((o) => o === 'failed').length;
  if (unsaved === 0) return { result: { code: ExportResultCode.SUCCESS }, refused, pending };
  const error = new Error(lastError ?? 'record not saved');
  return { result: { code: ExportResultCode.FAILED, error }, refused, pending };
}

/** Ids of the subject's runs among open runs (by their head span) and held records. */
export function subjectRunIds(
  subject: RunSubject,
  openRuns: Iterable<{ id: string; start: ReadableSpan | undefined }>,
  heldRecords: Iterable<ExecutionRecord>,
): string[] {
  const matches = (user: unknown, session: unknown) =>
    subject.userId !== undefined ? user === subject.userId : session === subject.sessionId;
  const ids = new Set<string>();
  for (const run of openRuns) {
    const head = run.start;
    if (head && matches(head.attributes[ATTR_USER_ID], head.attributes[ATTR_SESSION_ID]))
      ids.add(run.id);
  }
  for (const record of heldRecords)
    if (matches(record.user_id, record.session_id)) ids.add(record.execution_id);
  return [...ids];
}
