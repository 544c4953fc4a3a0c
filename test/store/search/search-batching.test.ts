import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionRecord } from '../../../src/domain/execution-record.js';
import { indexEntry, RecordIndex } from '../../../src/store/record-index.js';
import { SearchIndex } from '../../../src/store/search/search-index.js';
import { buildItem, buildRecord } from '../../helpers/record-builder.js';

/** A run whose user input is `text`, in the given status. */
function run(text: string, status: ExecutionRecord['status'], base?: ExecutionRecord) {
  const record = base ?? buildRecord();
  return {
    ...record,
    status,
    items: [buildItem(1, 'user_input_text', 1, { content: text, media_type: 'text' })],
  };
}

const entry = (record: ExecutionRecord) => indexEntry(record, 100, record.status !== 'incomplete');

describe('search texts of unfinished runs', () => {
  let indexed: string[];
  beforeEach(() => {
    vi.useFakeTimers();
    indexed = [];
    const put = SearchIndex.prototype.put;
    vi.spyOn(SearchIndex.prototype, 'put').mockImplementation(function (this: SearchIndex, id, t) {
      indexed.push(id);
      put.call(this, id, t);
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('a running run is stemmed once, with its final state, while a finished one waits 100 ms', () => {
    const index = new RecordIndex();
    const running = run('Ein Drache', 'incomplete');
    const finished = run('Eine Katze', 'completed');
    index.put(entry(running));
    index.put(entry(finished));
    vi.advanceTimersByTime(150);
    expect(indexed).toEqual([finished.execution_id]);
    index.put(entry(run('Ein Drache im Garten', 'completed', running)));
    vi.advanceTimersByTime(150);
    expect(indexed).toEqual([finished.execution_id, running.execution_id]);
    vi.advanceTimersByTime(10_000);
    expect(indexed).toHaveLength(2);
  });

  it('an unfinished run is found by a search at once, and indexed within 5 s without one', () => {
    const index = new RecordIndex();
    const found = run('Ein Drache', 'incomplete');
    index.put(entry(found));
    expect(index.query({ text: 'Drache' }).records.map((r) => r.execution_id)).toEqual([
      found.execution_id,
    ]);
    const later = run('Ein Pferd', 'incomplete');
    index.put(entry(later));
    vi.advanceTimersByTime(4_000);
    expect(indexed).not.toContain(later.execution_id);
    vi.advanceTimersByTime(1_100);
    expect(indexed).toContain(later.execution_id);
  });

  it('a record just saved is among the entries a text search matches (the study overview)', () => {
    const index = new RecordIndex();
    const saved = run('Eine Blume', 'completed');
    index.put(entry(saved));
    expect([...index.matching({ text: 'Blume' })].map((e) => e.summary.execution_id)).toEqual([
      saved.execution_id,
    ]);
  });
});
