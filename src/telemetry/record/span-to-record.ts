import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ExecutionItem } from '../../domain/execution-item.js';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import * as A from '../tracker/attributes.js';
import { RunState, type RecordOptions } from './run-state.js';

export { wholeStatus } from './whole-status.js';

/** Options of `spansToRecord`. */
export type SpansToRecordOptions = RecordOptions;

/** The span that carries the run attributes: the run span, else the start span. */
export function findRunSpans(spans: readonly ReadableSpan[]): {
  run?: ReadableSpan;
  start?: ReadableSpan;
} {
  let run: ReadableSpan | undefined;
  let start: ReadableSpan | undefined;
  for (const s of spans) {
    const role = s.attributes[A.ATTR_SPAN_ROLE];
    if (role === A.ROLE_RUN) run = s;
    else if (role === A.ROLE_START) start = s;
  }
  return { run, start };
}

/**
 * The items recorded as events on `spans`, ordered by sequence number, duplicates dropped (the
 * latest wins); each has passed the item schema.
 */
export function spansToItems(spans: readonly ReadableSpan[]): ExecutionItem[] {
  return [...new RunState().add(spans).items];
}

/**
 * Assembles the ExecutionRecord of one run from its spans (pure; `RunState` all at once). Needs
 * the run span or the start span for the run's fields; without the run span the record is a
 * checkpoint: `incomplete`, timed up to the latest span end. The result has passed the record
 * schema (each item and the fields besides them).
 */
export function spansToRecord(
  spans: readonly ReadableSpan[],
  options: SpansToRecordOptions = {},
): ExecutionRecord {
  return new RunState().add(spans).record(options);
}

/** Items of `existing` and `late`, merged by sequence number (late spans of a saved run). */
export function mergeItems(
  existing: readonly ExecutionItem[],
  late: readonly ExecutionItem[],
): ExecutionItem[] {
  const bySequence = new Map<number, ExecutionItem>();
  for (const item of existing) bySequence.set(item.sequence_number, item);
  for (const item of late) bySequence.set(item.sequence_number, item);
  return [...bySequence.values()].sort((a, b) => a.sequence_number - b.sequence_number);
}
