import { readdir, readFile, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidExecutionIdError } from '../../src/store/record-store.js';
import { expectLegacyListing, LEGACY_DIR, legacyRecordFiles } from '../helpers/legacy-fixtures.js';
import { buildAnnotation } from '../helpers/annotation-builder.js';
import { openFileStore } from '../helpers/file-store.js';
import { buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The directory's files less the store's own dot files (its lock, its journal). */
const recordFiles = async (dir: string) => (await readdir(dir)).filter((f) => !f.startsWith('.'));

describe('FileRecordStore', () => {
  it('saves one <execution_id>.json and reads it back', async () => {
    const dir = await tempDir();
    const store = await openFileStore(dir);
    const record = buildRecord();
    await store.save(record);
    expect(await recordFiles(dir)).toEqual([`${record.execution_id}.json`]);
    expect(await store.get(record.execution_id)).toEqual(record);
  });

  it('replaces a record saved again under the same id, atomically', async () => {
    const dir = await tempDir();
    const store = await openFileStore(dir);
    const record = buildRecord({ status: 'incomplete' });
    const saves = Array.from({ length: 20 }, (_, n) =>
      store.save({
        ...record,
        total_execution_time: n,
        status: n === 19 ? 'completed' : 'incomplete',
      }),
    );
    // A reader racing the writers sees a whole record every time, never half a file.
    const reads = Array.from({ length: 20 }, () =>
      store.get(record.execution_id).catch((e: Error) => e),
    );
    await Promise.all(saves);
    for (const r of await Promise.all(reads))
      expect(r === null || !(r instanceof Error)).toBe(true);
    const saved = await store.get(record.execution_id);
    expect(saved?.total_execution_time).toBe(19);
    expect(saved?.status).toBe('completed');
    expect(await recordFiles(dir)).toEqual([`${record.execution_id}.json`]);
    expect((await store.stats()).records).toBe(1);
  });

  it('saves many different ids concurrently without losing one', async () => {
    const dir = await tempDir();
    const store = await openFileStore(dir);
    const records = Array.from({ length: 300 }, () => buildRecord());
    await Promise.all(records.map((r) => store.save(r)));
    expect((await recordFiles(dir)).length).toBe(300);
    await store.close();
    const reopened = await openFileStore(dir);
    expect((await reopened.list({ limit: 1000 })).total).toBe(300);
    // Opening builds the same newest-first order as saving one by one.
    expect((await reopened.list({ limit: 100, offset: 50 })).records).toEqual(
      (await store.list({ limit: 100, offset: 50 })).records,
    );
  });

  it('indexes legacy records on open and filters, newest first, with a total', async () => {
    const dir = await tempDir();
    for (const { name } of legacyRecordFiles())
      await copyFile(join(LEGACY_DIR, name), join(dir, name));
    const store = await openFileStore(dir);
    expect((await store.list()).total).toBe(4);
    await expectLegacyListing(store);
  });

  it('filters by every field and by date range, and pages with limit and offset', async () => {
    const store = await openFileStore();
    const day = Date.UTC(2026, 0, 10);
    for (let n = 0; n < 30; n++) {
      await store.save(
        buildRecord({
          startMillis: day + n * 3_600_000,
          config_name: n % 3 === 0 ? 'stillepost' : 'dada',
          status: n % 5 === 0 ? 'blocked' : 'completed',
          safety_level: n % 2 ? 'youth' : 'kids',
          user_id: `u${n % 4}`,
          session_id: `s${n % 6}`,
        }),
      );
    }
    expect((await store.list({ configName: 'stillepost' })).total).toBe(10);
    expect((await store.list({ status: 'blocked', safetyLevel: 'kids' })).total).toBe(3);
    expect((await store.list({ userId: 'u1', sessionId: 's1' })).total).toBe(3);
    const range = await store.list({
      sinceMillis: day + 10 * 3_600_000,
      untilMillis: day + 19 * 3_600_000,
    });
    expect(range.total).toBe(10);
    const page = await store.list({ limit: 7, offset: 5 });
    expect(page.total).toBe(30);
    expect(page.records).toHaveLength(7);
    const all = await store.list({ limit: 100 });
    expect(page.records).toEqual(all.records.slice(5, 12));
    const times = all.records.map((r) => Date.parse(r.timestamp));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('refuses ids that are not execution ids before building any path', async () => {
    const dir = await tempDir();
    const store = await openFileStore(join(dir, 'store'));
    await writeFile(join(dir, 'secret.json'), '{"x":1}');
    for (const bad of [
      '../secret',
      '..%2Fsecret',
      '/etc/passwd',
      'exec_20260101_000000_abcdefgh',
      '',
    ]) {
      await expect(store.get(bad)).rejects.toBeInstanceOf(InvalidExecutionIdError);
      await expect(store.delete(bad)).rejects.toBeInstanceOf(InvalidExecutionIdError);
    }
    await expect(store.save(buildRecord({ execution_id: '../../x' }))).rejects.toBeInstanceOf(
      InvalidExecutionIdError,
    );
    expect(await readFile(join(dir, 'secret.json'), 'utf8')).toBe('{"x":1}');
  });

  it('skips corrupt and foreign files with a warning and counts them in stats', async () => {
    const dir = await tempDir();
    const good = buildRecord();
    await writeFile(join(dir, `${good.execution_id}.json`), JSON.stringify(good));
    await writeFile(join(dir, 'exec_20260101_000000_0000beef.json'), '{"execution_id": "exec_2026');
    await writeFile(join(dir, 'notes.txt'), 'hello');
    await writeFile(join(dir, 'exec_20260101_000000_0000cafe.json'), JSON.stringify(buildRecord()));
    const warnings: string[] = [];
    const store = await openFileStore(dir, { warn: (m) => warnings.push(m) });
    const stats = await store.stats();
    expect(stats.records).toBe(1);
    expect(stats.unreadable).toBe(3);
    expect(stats.unreadable_files).toEqual([
      'exec_20260101_000000_0000beef.json',
      'exec_20260101_000000_0000cafe.json',
      'notes.txt',
    ]);
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/invalid JSON/);
    expect(warnings.join('\n')).toMatch(/holds execution_id/);
  });

  it('deletes records and reports stats: count, bytes, oldest and newest', async () => {
    const store = await openFileStore();
    const older = buildRecord({ startMillis: Date.UTC(2026, 0, 1) });
    const newer = buildRecord({ startMillis: Date.UTC(2026, 5, 1) });
    await store.save(older);
    await store.save(newer);
    const stats = await store.stats();
    expect(stats).toMatchObject({
      records: 2,
      oldest: older.timestamp,
      newest: newer.timestamp,
      unreadable: 0,
    });
    expect(stats.bytes).toBeGreaterThan(500);
    expect(await store.delete(older.execution_id)).toBe(true);
    expect(await store.delete(older.execution_id)).toBe(false);
    expect(await store.get(older.execution_id)).toBeNull();
    expect((await store.stats()).records).toBe(1);
  });

  it('refuses a save after close, opening no journal in the unlocked directory', async () => {
    const dir = await tempDir();
    const store = await openFileStore(dir);
    const kept = buildRecord();
    await store.save(kept);
    await store.close();
    await expect(store.save(buildRecord())).rejects.toThrow('the store is not open');
    // No journal segment (nor its FileHandle) was begun again, and the saved record is readable.
    expect((await readdir(dir)).filter((f) => f.startsWith('.journal-'))).toEqual([]);
    expect(await store.get(kept.execution_id)).toEqual(kept);
  });

  it('removes temp files a crash left behind and never lists them', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.tmp-exec_20260101_000000_00000001-abcd'), '{"half":');
    const store = await openFileStore(dir);
    expect(await recordFiles(dir)).toEqual([]);
    expect((await store.stats()).unreadable).toBe(0);
  });
});

describe('FileRecordStore tombstones', () => {
  it('keeps a deleted id deleted across a restart, for the tombstone period only', async () => {
    const dir = await tempDir();
    const record = buildRecord();
    const first = await openFileStore(dir);
    await first.save(record);
    await first.delete(record.execution_id);
    await first.save(record);
    expect(await first.get(record.execution_id)).toBeNull();
    await first.close();

    const reopened = await openFileStore(dir);
    await reopened.save(record);
    expect(await reopened.get(record.execution_id)).toBeNull();
    expect((await reopened.list()).total).toBe(0);
    await reopened.close();

    // 31 days on: the default period (30 days) is over.
    const later = await openFileStore(dir, { now: () => Date.now() + 31 * 24 * 3_600_000 });
    await later.save(record);
    expect(await later.get(record.execution_id)).toEqual(record);
    await later.close();
  });

  it('bounds the ids it keeps and skips a torn last line', async () => {
    const dir = await tempDir();
    const store = await openFileStore(dir, { maxTombstones: 2 });
    const [a, b, c] = [buildRecord(), buildRecord(), buildRecord()];
    for (const r of [a, b, c]) await store.delete(r.execution_id);
    expect([a, b, c].map((r) => store.isDeleted(r.execution_id))).toEqual([false, true, true]);
    await store.close();
    await writeFile(join(dir, '.deleted-ids.jsonl'), '{"id":"exec_2026', { flag: 'a' });
    const reopened = await openFileStore(dir, { maxTombstones: 2 });
    expect([a, b, c].map((r) => reopened.isDeleted(r.execution_id))).toEqual([false, true, true]);
    await reopened.close();
  });

  it('rewrites its file once it holds twice the ids it keeps', async () => {
    const dir = await tempDir();
    const store = await openFileStore(dir, { maxTombstones: 2 });
    for (let n = 0; n < 5; n++) await store.delete(buildRecord().execution_id);
    const lines = (await readFile(join(dir, '.deleted-ids.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    await store.close();
  });
});

describe('FileRecordStore annotations', () => {
  it('keeps annotations across a restart, in annotations/<execution_id>.json', async () => {
    const dir = await tempDir();
    const store = await openFileStore(dir);
    const record = buildRecord();
    await store.save(record);
    const annotation = buildAnnotation(record.execution_id);
    expect(await store.putAnnotation(annotation)).toBe(true);
    await store.close();
    expect(await readdir(join(dir, 'annotations'))).toEqual([`${record.execution_id}.json`]);
    const reopened = await openFileStore(dir);
    expect(await reopened.annotationsOf(record.execution_id)).toEqual([annotation]);
    expect(await reopened.findAnnotations({ rubric: 'child_idea' })).toEqual([annotation]);
    await reopened.delete(record.execution_id);
    await reopened.close();
    expect(await readdir(join(dir, 'annotations'))).toEqual([]);
    const again = await openFileStore(dir);
    expect(await again.findAnnotations({ rubric: 'child_idea' })).toEqual([]);
    await again.close();
  });

  it('skips an unreadable annotation file with a warning and keeps the others', async () => {
    const dir = await tempDir();
    const store = await openFileStore(dir);
    const [a, b] = [buildRecord(), buildRecord()];
    for (const r of [a, b]) {
      await store.save(r);
      await store.putAnnotation(buildAnnotation(r.execution_id));
    }
    await store.close();
    await writeFile(join(dir, 'annotations', `${a.execution_id}.json`), '[{"broken": true}]');
    const warnings: string[] = [];
    const reopened = await openFileStore(dir, { warn: (m) => warnings.push(m) });
    expect(
      (await reopened.findAnnotations({ rubric: 'child_idea' })).map((x) => x.execution_id),
    ).toEqual([b.execution_id]);
    expect(warnings.join('\n')).toContain(`skipping annotations ${a.execution_id}.json`);
    await reopened.close();
  });
});
