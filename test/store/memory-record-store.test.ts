import { describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import { InvalidExecutionIdError } from '../../src/store/record-store.js';
import { buildRecord } from '../helpers/record-builder.js';

describe('MemoryRecordStore', () => {
  it('saves, replaces, lists with filters, deletes and counts like the file store', async () => {
    const store = new MemoryRecordStore();
    const a = buildRecord({ startMillis: Date.UTC(2026, 0, 1), config_name: 'dada' });
    const b = buildRecord({ startMillis: Date.UTC(2026, 0, 2), config_name: 'stillepost' });
    await store.save(a);
    await store.save(b);
    await store.save({ ...a, status: 'blocked' });
    expect((await store.list()).records.map((r) => r.execution_id)).toEqual([
      b.execution_id,
      a.execution_id,
    ]);
    expect((await store.list({ status: 'blocked' })).total).toBe(1);
    expect((await store.get(a.execution_id))?.status).toBe('blocked');
    expect(await store.delete(a.execution_id)).toBe(true);
    expect(await store.get(a.execution_id)).toBeNull();
    expect(await store.stats()).toMatchObject({
      records: 1,
      oldest: b.timestamp,
      newest: b.timestamp,
    });
  });

  it('keeps copies: changing a saved or returned record changes nothing stored', async () => {
    const store = new MemoryRecordStore();
    const a = buildRecord();
    await store.save(a);
    a.items.length = 0;
    (await store.get(a.execution_id))!.items.length = 0;
    expect((await store.get(a.execution_id))!.items).toHaveLength(2);
  });

  it('refuses malformed ids', async () => {
    await expect(new MemoryRecordStore().get('../x')).rejects.toBeInstanceOf(
      InvalidExecutionIdError,
    );
  });
});
