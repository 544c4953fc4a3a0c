import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import { RecordSpool } from '../../src/store/record-spool.js';
import type { RecordStore } from '../../src/store/record-store.js';
import { buildRecord } from '../helpers/record-builder.js';
import { eventually } from '../helpers/eventually.js';

/** A memory store whose saves fail while `failing` is true and can be held at a gate. */
function faultyStore() {
  const inner = new MemoryRecordStore();
  const state = {
    failing: false,
    writes: [] as ExecutionRecord[],
    gate: null as Promise<void> | null,
  };
  const store: RecordStore = Object.assign(Object.create(inner) as RecordStore, {
    save: async (record: ExecutionRecord) => {
      if (state.gate) await state.gate;
      if (state.failing) throw new Error('ENOSPC: no space left on device');
      state.writes.push(record);
      return inner.save(record);
    },
  });
  return { store, inner, state };
}

describe('RecordSpool', () => {
  it('coalesces states of one run that arrive while its write is under way', async () => {
    const { store, state } = faultyStore();
    let open!: () => void;
    state.gate = new Promise((r) => (open = r));
    const spool = new RecordSpool(store);
    const base = buildRecord();
    const versions = [1, 2, 3, 4, 5].map((n) => ({ ...base, total_execution_time: n }));
    const first = spool.save(base.execution_id, () => versions[0]!, false);
    await new Promise((resolve) => setImmediate(resolve)); // its write starts, held by the gate
    const later = versions.slice(1).map((v, i) => spool.save(base.execution_id, () => v, i === 3));
    state.gate = null;
    open();
    expect(await Promise.all([first, ...later])).toEqual(Array(5).fill('saved'));
    // The first state was being written; of the four queued behind it only the newest is.
    expect(state.writes.map((r) => r.total_execution_time)).toEqual([1, 5]);
  });

  it('builds and writes once the states of one run saved in the same turn', async () => {
    const { store, state } = faultyStore();
    const spool = new RecordSpool(store);
    const base = buildRecord();
    const built: number[] = [];
    const outcomes = [1, 2, 3].map((n) =>
      spool.save(
        base.execution_id,
        () => (built.push(n), { ...base, total_execution_time: n }),
        n === 3,
      ),
    );
    expect(built).toEqual([]); // nothing is built on the caller's turn
    expect(await Promise.all(outcomes)).toEqual(['saved', 'saved', 'saved']);
    expect([built, state.writes.map((r) => r.total_execution_time)]).toEqual([[3], [3]]);
  });

  it('for a caller that never yields, builds the run waiting longest, with its later states', async () => {
    const { store, state } = faultyStore();
    const spool = new RecordSpool(store);
    const built: string[] = [];
    const outcomes: Promise<unknown>[] = [];
    // 400 runs in one turn, each a checkpoint and then its final state: no more than 256 wait,
    // and each run is built and written once, as its final state.
    for (let n = 0; n < 400; n++) {
      const record = buildRecord({
        execution_id: `exec_20261203_120000_${String(n).padStart(8, '0')}`,
      });
      const id = record.execution_id;
      const at = (status: ExecutionRecord['status']) => () => (
        built.push(`${n}:${status}`),
        { ...record, status }
      );
      outcomes.push(spool.save(id, at('incomplete'), false), spool.save(id, at('completed'), true));
    }
    expect(built).toHaveLength(400 - 256); // the oldest, built on the caller's turn
    expect(built.every((b) => b.endsWith(':completed'))).toBe(true);
    await Promise.all(outcomes);
    expect(built).toHaveLength(400);
    expect(state.writes).toHaveLength(400);
    expect(state.writes.every((r) => r.status === 'completed')).toBe(true);
  });

  it('holds a refused record, retries with backoff and lands it once the store takes writes', async () => {
    const { store, inner, state } = faultyStore();
    const landed: string[] = [];
    const spool = new RecordSpool(store, {
      retryInitialMillis: 10,
      onLanded: (r) => landed.push(r.execution_id),
    });
    state.failing = true;
    const record = buildRecord();
    expect(await spool.save(record.execution_id, () => record, true)).toBe('pending');
    expect(spool.stats()).toMatchObject({
      pending: 1,
      last_error: expect.stringMatching(/ENOSPC/),
    });
    expect(spool.held(record.execution_id)).toBe(record);
    await eventually(() => spool.stats().retries > 0, { what: 'a retry' });
    state.failing = false;
    await eventually(() => spool.stats().pending === 0, { what: 'the held save landing' });
    expect(await inner.get(record.execution_id)).toEqual(record);
    expect(landed).toEqual([record.execution_id]);
    spool.stop();
  });

  it('a newer state of a held run supersedes the held one', async () => {
    const { store, inner, state } = faultyStore();
    const spool = new RecordSpool(store, { retryInitialMillis: 60_000 });
    const base = buildRecord();
    state.failing = true;
    await spool.save(base.execution_id, () => ({ ...base, status: 'incomplete' }), false);
    state.failing = false;
    expect(await spool.save(base.execution_id, () => base, true)).toBe('saved');
    expect(spool.stats().pending).toBe(0);
    expect((await inner.get(base.execution_id))?.status).toBe(base.status);
    spool.stop();
  });

  it('discard drops queued and held states and every later save of the run', async () => {
    const { store, inner, state } = faultyStore();
    const spool = new RecordSpool(store, { retryInitialMillis: 5 });
    const record = buildRecord();
    state.failing = true;
    await spool.save(record.execution_id, () => record, false);
    await spool.discard(record.execution_id);
    state.failing = false;
    expect(await spool.save(record.execution_id, () => record, true)).toBe('discarded');
    // Every write under way and every held retry settled: nothing of the run is left to land.
    expect(await spool.flush(Date.now() + 5_000)).toEqual([]);
    expect(await inner.get(record.execution_id)).toBeNull();
    expect(spool.stats().pending).toBe(0);
    spool.stop();
  });

  it('past its bound drops the oldest held record, counted', async () => {
    const { store, state } = faultyStore();
    const spool = new RecordSpool(store, { maxPending: 2, retryInitialMillis: 60_000 });
    state.failing = true;
    for (let i = 0; i < 3; i++) {
      const r = buildRecord();
      await spool.save(r.execution_id, () => r, true);
    }
    expect(spool.stats()).toMatchObject({ pending: 2, dropped: 1 });
    spool.stop();
  });

  it('flush retries held records until the deadline and names the ids still unsaved', async () => {
    const { store, state } = faultyStore();
    const spool = new RecordSpool(store, { retryInitialMillis: 60_000 });
    state.failing = true;
    const a = buildRecord();
    const b = buildRecord();
    await spool.save(a.execution_id, () => a, true);
    await spool.save(b.execution_id, () => b, true);
    const started = Date.now();
    expect((await spool.flush(Date.now() + 200)).sort()).toEqual(
      [a.execution_id, b.execution_id].sort(),
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    state.failing = false;
    expect(await spool.flush(Date.now() + 2_000)).toEqual([]);
    spool.stop();
  });

  it('a record that cannot be built is reported as failed, never thrown', async () => {
    const spool = new RecordSpool(new MemoryRecordStore());
    const outcome = await spool.save(
      'exec_20260101_000000_00000001',
      () => {
        throw new Error('bad spans');
      },
      true,
    );
    expect(outcome).toBe('failed');
    expect(spool.stats().last_error).toBe('bad spans');
  });
});
