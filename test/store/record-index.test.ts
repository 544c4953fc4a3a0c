import { describe, expect, it } from 'vitest';
import { RecordIndex, type IndexEntry } from '../../src/store/record-index.js';
import type { RecordSummary } from '../../src/store/record-store.js';

/** An entry of run `id` started at `start` (ms). */
function entry(id: string, start: number, status: RecordSummary['status'] = 'completed') {
  const summary = { execution_id: id, status, config_name: 'dada' } as RecordSummary;
  return { startMillis: start, bytes: 1, facts: null, studyId: null, condition: null, summary };
}

/** The order the index must give: newest first, ties by id (larger first). */
function expected(entries: Iterable<IndexEntry>): string[] {
  return [...entries]
    .sort(
      (a, b) =>
        b.startMillis - a.startMillis || (a.summary.execution_id < b.summary.execution_id ? 1 : -1),
    )
    .map((e) => e.summary.execution_id);
}

const ids = (index: RecordIndex) => [...index.entries()].map((e) => e.summary.execution_id);

describe('RecordIndex order', () => {
  it('keeps every entry newest first through puts out of order, saves again, moves and removals', () => {
    // A seeded sequence of operations, checked against a plain sort after each one.
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 16807) % 2147483647) % n) as number;
    const index = new RecordIndex();
    const live = new Map<string, IndexEntry>();
    index.putMany([entry('exec_a', 50), entry('exec_b', 10), entry('exec_c', 50)]);
    for (const e of [entry('exec_a', 50), entry('exec_b', 10), entry('exec_c', 50)])
      live.set(e.summary.execution_id, e);
    for (let step = 0; step < 3000; step++) {
      const id = `exec_${rand(200)}`;
      const op = rand(10);
      if (op === 0) {
        index.remove(id);
        live.delete(id);
      } else {
        const old = live.get(id);
        // Mostly a run saved again at its start time; sometimes its start time changes.
        const start = old && op < 8 ? old.startMillis : rand(100);
        const e = entry(id, start, op < 5 ? 'incomplete' : 'completed');
        index.put(e);
        live.set(id, e);
      }
      expect(ids(index)).toEqual(expected(live.values()));
      expect(index.size).toBe(live.size);
    }
    expect(index.newest()?.summary.execution_id).toBe(expected(live.values())[0]);
    expect(index.oldest()?.summary.execution_id).toBe(expected(live.values()).at(-1));
  });

  it('pages newest first and a saved-again run keeps its place with its new summary', () => {
    const index = new RecordIndex();
    for (let i = 0; i < 10; i++) index.put(entry(`exec_${i}`, 1000 + i, 'incomplete'));
    index.put(entry('exec_3', 1003, 'completed'));
    const page = index.query({ limit: 3, offset: 5 });
    expect(page.total).toBe(10);
    expect(page.records.map((r) => r.execution_id)).toEqual(['exec_4', 'exec_3', 'exec_2']);
    expect(page.records[1]!.status).toBe('completed');
    expect(index.query({ status: 'completed' }).records.map((r) => r.execution_id)).toEqual([
      'exec_3',
    ]);
  });
});
