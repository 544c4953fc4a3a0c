import type { RecordEntry } from './record-entries.js';

/** The key that marks a JSONL line as a record that could not be exported. */
export const EXPORT_ERROR_KEY = 'export_error';

/**
 * One value as one JSON line. U+2028 and U+2029 are escaped: JSON allows them raw, but
 * JavaScript line readers and some JSONL tools split lines on them.
 */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}\n`;
}

/** The marked line of an entry that could not be read: `{"export_error": {execution_id, message}}`. */
export function errorLine(entry: Extract<RecordEntry, { kind: 'error' }>): string {
  return jsonLine({
    [EXPORT_ERROR_KEY]: { execution_id: entry.execution_id, message: entry.message },
  });
}

/** Tallies of one export. */
export interface ExportCounts {
  records: number;
  errors: number;
}

/**
 * JSONL of the entries, one record a line (after `shape`), each unreadable record a marked
 * error line; `counts` is updated as lines are produced.
 */
export async function* jsonLines(
  entries: AsyncIterable<RecordEntry>,
  shape: (record: Extract<RecordEntry, { kind: 'record' }>['record']) => unknown,
  counts: ExportCounts = { records: 0, errors: 0 },
): AsyncGenerator<string> {
  for await (const entry of entries) {
    if (entry.kind === 'error') {
      counts.errors += 1;
      yield errorLine(entry);
    } else {
      counts.records += 1;
      yield jsonLine(shape(entry.record));
    }
  }
}
