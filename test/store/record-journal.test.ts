import { appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeRecord } from '../../src/domain/record-codec.js';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { RecordJournal } from '../../src/store/record-journal.js';
import { buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';

const journalFiles = async (dir: string) =>
  (await readdir(dir)).filter((f) => f.startsWith('.journal-'));

/** A journal segment left as a killed process leaves it: closed, never retired. */
async function leftJournal(dir: string, entries: [string, string][]): Promise<void> {
  const journal = new RecordJournal(dir, () => {}, { fsync: false });
  await Promise.all(entries.map(([id, text]) => journal.append(id, text)));
  await journal.close();
}

describe('RecordJournal', () => {
  it('shares one write and one sync among the appends that arrive meanwhile', async () => {
    const dir = await tempDir();
    const journal = new RecordJournal(dir, () => {});
    await Promise.all(
      Array.from({ length: 50 }, (_, n) => journal.append(`id${n}`, `text ${n}\n`)),
    );
    expect(journal.counters.entries).toBe(50);
    expect(journal.counters.batches).toBeLessThan(50);
    await journal.close();
  });

  it('replays the newest text of each id, and stops at a torn tail', async () => {
    const dir = await tempDir();
    await leftJournal(dir, [
      ['a', 'a1\n'],
      ['b', 'b1 – ä\n'],
    ]);
    await leftJournal(dir, [['a', 'a2\n']]);
    const [, second] = (await journalFiles(dir)).sort();
    await appendFile(join(dir, second!), 'c 100\n{"cut":'); // a crash mid-append
    const { texts, paths } = await RecordJournal.replay(dir);
    expect(Object.fromEntries(texts)).toEqual({ a: 'a2\n', b: 'b1 – ä\n' });
    expect(paths).toHaveLength(2);
  });
});

describe('FileRecordStore with its journal', () => {
  it('a checkpoint is readable at once and its file is written; close leaves no journal', async () => {
    const dir = await tempDir();
    const store = await FileRecordStore.open(dir, { fsync: false });
    const record = { ...buildRecord(), status: 'incomplete' as const };
    await store.save(record);
    expect((await store.get(record.execution_id))?.status).toBe('incomplete');
    expect((await store.list()).total).toBe(1);
    await store.close();
    const file = await readFile(join(dir, `${record.execution_id}.json`), 'utf8');
    expect(file).toBe(serializeRecord(record));
    expect(await journalFiles(dir)).toEqual([]);
  });

  it('writes what a killed process left only in the journal into the files at open, never a deleted run', async () => {
    const dir = await tempDir();
    const kept = { ...buildRecord(), status: 'incomplete' as const };
    const gone = buildRecord();
    const first = await FileRecordStore.open(dir, { fsync: false });
    await first.save(gone);
    await first.delete(gone.execution_id);
    await first.close();
    await leftJournal(dir, [
      [kept.execution_id, serializeRecord(kept)],
      [gone.execution_id, serializeRecord(gone)],
    ]);
    const store = await FileRecordStore.open(dir, { fsync: false });
    expect(await store.get(kept.execution_id)).toEqual(kept);
    expect(await store.get(gone.execution_id)).toBeNull();
    expect((await store.list()).total).toBe(1);
    expect(await journalFiles(dir)).toEqual([]);
    await store.close();
  });
});
