import type { ExecutionRecord } from '../domain/execution-record.js';
import type { RecordQuery, RecordStore } from '../store/record-store.js';

/** One step of an export: a record, or a record that is listed but could not be read. */
export type RecordEntry =
  | { kind: 'record'; record: ExecutionRecord }
  | { kind: 'error'; execution_id: string; message: string };

/** Options of `recordEntries`. */
export interface RecordEntriesOptions {
  /** Summaries fetched per `list` call; default 500. */
  pageSize?: number;
}

/**
 * Every record matching `query`, newest first, read one at a time from any `RecordStore`
 * (pages of `list` by limit/offset, then `get` each). `query.limit` caps the count (absent: all)
 * and `query.offset` skips. A record that `get` cannot read, or that vanished since it was
 * listed, is yielded as an error entry, never skipped.
 * NOTE: a record saved mid-export with a start time inside the page just read would shift the
 * pages by one; ids already yielded from the previous page are not yielded again.
 */
export async function* recordEntries(
  store: RecordStore,
  query: RecordQuery = {},
  options: RecordEntriesOptions = {},
): AsyncGenerator<RecordEntry> {
  const pageSize = Math.max(1, options.pageSize ?? 500);
  const wanted = query.limit ?? Number.POSITIVE_INFINITY;
  let offset = query.offset ?? 0;
  let yielded = 0;
  let previous = new Set<string>();
  while (yielded < wanted) {
    const page = await store.list({
      ...query,
      offset,
      limit: Math.min(pageSize, wanted - yielded),
    });
    if (page.records.length === 0) return;
    offset += page.records.length;
    const current = new Set<string>();
    for (const summary of page.records) {
      const id = summary.execution_id;
      current.add(id);
      if (previous.has(id) || yielded >= wanted) continue;
      yielded += 1;
      yield await readEntry(store, id);
    }
    previous = current;
  }
}

async function readEntry(store: RecordStore, id: string): Promise<RecordEntry> {
  try {
    const record = await store.get(id);
    if (record) return { kind: 'record', record };
    return { kind: 'error', execution_id: id, message: 'listed, but gone when read' };
  } catch (error) {
    return { kind: 'error', execution_id: id, message: (error as Error).message };
  }
}

/** How many records match `query`'s filters (ignoring its limit and offset). */
export async function countMatching(store: RecordStore, query: RecordQuery = {}): Promise<number> {
  const { total } = await store.list({ ...query, limit: 1, offset: 0 });
  return total;
}
