import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { eraseSubject } from '../../src/lifecycle/erase-subject.js';
import { ErasureLog } from '../../src/lifecycle/erasure-log.js';
import { applyRetention } from '../../src/lifecycle/retention.js';
import { startRetention } from '../../src/lifecycle/retention-schedule.js';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import type { AnnotationStore } from '../../src/store/annotation-store.js';
import type { RecordStore } from '../../src/store/record-store.js';
import { buildAnnotation } from '../helpers/annotation-builder.js';
import { openFileStore } from '../helpers/file-store.js';
import { buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';
import { eventually } from '../helpers/eventually.js';

const DAY = 86_400_000;
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

const stores: [string, (dir: string) => Promise<RecordStore & AnnotationStore>][] = [
  ['FileRecordStore', (dir) => openFileStore(join(dir, 'executions'))],
  ['MemoryRecordStore', async () => new MemoryRecordStore()],
];

async function withMedia(mediaDir: string, id: string) {
  await mkdir(join(mediaDir, id), { recursive: true });
  await writeFile(join(mediaDir, id, 'output_1.png'), 'png');
}

describe.each(stores)('erasure and retention on %s', (_name, open) => {
  async function setup() {
    const dir = await tempDir();
    const store = await open(dir);
    const mediaDir = join(dir, 'media');
    const log = new ErasureLog(join(dir, 'erasure-log.jsonl'));
    return { dir, store, mediaDir, log };
  }

  it('erases the annotations on a child’s runs and counts them in the log; retention too', async () => {
    const { store, mediaDir, log } = await setup();
    const mine = buildRecord({ user_id: 'child-1' });
    const old = buildRecord({ user_id: 'child-3', startMillis: Date.now() - 40 * DAY });
    const other = buildRecord({ user_id: 'child-2' });
    for (const r of [mine, old, other]) await store.save(r);
    for (const r of [mine, mine, old, other])
      await store.putAnnotation(buildAnnotation(r.execution_id));

    const erased = await eraseSubject(
      store,
      { userId: 'child-1' },
      { mediaDir, log, source: 'api' },
    );
    expect(erased).toMatchObject({ records_deleted: 1, annotations_deleted: 2 });
    const retained = await applyRetention(store, { retentionDays: 30, mediaDir, log });
    expect(retained).toMatchObject({ records_deleted: 1, annotations_deleted: 1 });
    expect(
      (await store.findAnnotations({ rubric: 'child_idea' })).map((a) => a.execution_id),
    ).toEqual([other.execution_id]);
    expect((await log.read()).map((e) => e.annotations_deleted)).toEqual([2, 1]);
  });

  it('erases every record of a user (more than a page) and their media, nothing of others', async () => {
    const { store, mediaDir, log } = await setup();
    const mine = Array.from({ length: 130 }, (_, i) =>
      buildRecord({ user_id: 'child-1', startMillis: Date.now() - i * 1000 }),
    );
    const other = buildRecord({ user_id: 'child-2' });
    for (const r of [...mine, other]) await store.save(r);
    for (const r of [mine[0]!, mine[129]!, other]) await withMedia(mediaDir, r.execution_id);

    const entry = await eraseSubject(
      store,
      { userId: 'child-1' },
      { mediaDir, log, source: 'api' },
    );

    expect(entry).toMatchObject({
      reason: 'erasure_request',
      source: 'api',
      user_id: 'child-1',
      records_deleted: 130,
      media_dirs_deleted: 2,
    });
    expect(new Set(entry.execution_ids)).toEqual(new Set(mine.map((r) => r.execution_id)));
    expect((await store.list({ userId: 'child-1' })).total).toBe(0);
    expect((await store.list()).records.map((r) => r.execution_id)).toEqual([other.execution_id]);
    expect(await exists(join(mediaDir, mine[0]!.execution_id))).toBe(false);
    expect(await exists(join(mediaDir, other.execution_id))).toBe(true);
    expect(await log.read()).toEqual([entry]);
  });

  it('erases by session id', async () => {
    const { store, mediaDir, log } = await setup();
    const a = buildRecord({ session_id: 'class-4b' });
    const b = buildRecord({ session_id: 'class-4c' });
    await store.save(a);
    await store.save(b);
    const entry = await eraseSubject(
      store,
      { sessionId: 'class-4b' },
      { mediaDir, log, source: 'cli' },
    );
    expect(entry).toMatchObject({ session_id: 'class-4b', execution_ids: [a.execution_id] });
    expect(entry).not.toHaveProperty('user_id');
    expect(await store.get(a.execution_id)).toBeNull();
    expect(await store.get(b.execution_id)).not.toBeNull();
  });

  it('retention erases records older than the retention days and logs each pass', async () => {
    const { store, mediaDir, log } = await setup();
    const now = Date.parse('2026-11-24T12:00:00Z');
    const old = buildRecord({ startMillis: now - 31 * DAY });
    const edge = buildRecord({ startMillis: now - 29 * DAY });
    const fresh = buildRecord({ startMillis: now - 1000 });
    for (const r of [old, edge, fresh]) await store.save(r);
    await withMedia(mediaDir, old.execution_id);

    const first = await applyRetention(store, { retentionDays: 30, mediaDir, log, now: () => now });
    expect(first).toMatchObject({
      reason: 'retention',
      source: 'retention',
      retention_days: 30,
      older_than: new Date(now - 30 * DAY).toISOString(),
      execution_ids: [old.execution_id],
      records_deleted: 1,
      media_dirs_deleted: 1,
    });
    expect(await store.get(old.execution_id)).toBeNull();
    expect(await store.get(edge.execution_id)).not.toBeNull();
    expect(await exists(join(mediaDir, old.execution_id))).toBe(false);

    const second = await applyRetention(store, {
      retentionDays: 30,
      mediaDir,
      log,
      now: () => now,
    });
    expect(second.records_deleted).toBe(0);
    expect((await log.read()).map((e) => e.records_deleted)).toEqual([1, 0]);
  });
  it('retention erases a run dated in the future beyond a day of clock skew at once', async () => {
    const { store, mediaDir, log } = await setup();
    const now = Date.parse('2026-11-24T12:00:00Z');
    const skewed = buildRecord({ startMillis: now + 2 * 60_000 });
    const future = buildRecord({ startMillis: now + 400 * DAY });
    for (const r of [skewed, future]) await store.save(r);
    await withMedia(mediaDir, future.execution_id);
    const entry = await applyRetention(store, { retentionDays: 30, mediaDir, log, now: () => now });
    expect(entry).toMatchObject({
      newer_than: new Date(now + DAY).toISOString(),
      execution_ids: [future.execution_id],
      media_dirs_deleted: 1,
    });
    expect(await store.get(future.execution_id)).toBeNull();
    expect(await store.get(skewed.execution_id)).not.toBeNull();
  });
});

describe('the erasure log', () => {
  it('is JSONL with ids, time and reason, never record content', async () => {
    const dir = await tempDir();
    const store = new MemoryRecordStore();
    const record = buildRecord({ user_id: 'child-9' });
    record.items[0]!.content = 'Ein sehr geheimer Prompt';
    await store.save(record);
    const path = join(dir, 'audit', 'erasure-log.jsonl');
    const log = new ErasureLog(path);
    await eraseSubject(store, { userId: 'child-9' }, { mediaDir: dir, log, source: 'api' });
    const text = await readFile(path, 'utf8');
    expect(text.trim().split('\n')).toHaveLength(1);
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(line).sort()).toEqual([
      'annotations_deleted',
      'execution_ids',
      'media_dirs_deleted',
      'reason',
      'records_deleted',
      'source',
      'time',
      'user_id',
    ]);
    expect(text).not.toMatch(/geheimer/);
  });

  it('keeps appending in call order and skips a damaged line when read', async () => {
    const dir = await tempDir();
    const path = join(dir, 'erasure-log.jsonl');
    const log = new ErasureLog(path);
    const entry = (n: number) => ({
      time: new Date(n).toISOString(),
      reason: 'retention' as const,
      source: 'retention' as const,
      execution_ids: [],
      records_deleted: n,
      media_dirs_deleted: 0,
    });
    await Promise.all([1, 2, 3].map((n) => log.append(entry(n))));
    await writeFile(path, `${await readFile(path, 'utf8')}{not json\n`);
    await log.append(entry(4));
    expect((await log.read()).map((e) => e.records_deleted)).toEqual([1, 2, 3, 4]);
  });
});

describe('startRetention', () => {
  it('runs a pass at start and on each interval, and stops', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    onTestFinished(() => void vi.useRealTimers());
    const dir = await tempDir();
    const store = new MemoryRecordStore();
    const log = new ErasureLog(join(dir, 'erasure-log.jsonl'));
    await store.save(buildRecord({ startMillis: Date.now() - 10 * DAY }));
    const passes: number[] = [];
    const schedule = startRetention(store, {
      retentionDays: 7,
      mediaDir: join(dir, 'media'),
      log,
      intervalMillis: 50,
      onPass: (e) => passes.push(e.records_deleted),
    });
    await eventually(() => expect(passes).toEqual([1]));
    await vi.advanceTimersByTimeAsync(50);
    await eventually(() => expect(passes).toEqual([1, 0]));
    await schedule.stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(passes).toEqual([1, 0]);
    expect((await store.stats()).records).toBe(0);
  });
});
