import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { parseRecord, serializeRecord } from '../../src/domain/record-codec.js';
import type { AnnotationStore } from '../../src/store/annotation-store.js';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import {
  InvalidExecutionIdError,
  type RecordQuery,
  type RecordStore,
} from '../../src/store/record-store.js';
import { expectLegacyListing, legacyRecordFiles } from '../helpers/legacy-fixtures.js';
import { buildAnnotation } from '../helpers/annotation-builder.js';
import { buildRecord } from '../helpers/record-builder.js';

/** Makes an empty store of the kind under test. */
export type StoreFactory = () => Promise<RecordStore & AnnotationStore>;

const legacyRecords = (): ExecutionRecord[] =>
  legacyRecordFiles().map(({ name, text }) => parseRecord(text, name).record);

/** A record with everything a newer writer might add: unknown keys and types, odd numbers, scripts. */
function unusualRecord(): ExecutionRecord {
  const base = buildRecord({ startMillis: Date.UTC(2026, 2, 3, 4, 5, 6, 789) });
  return {
    ...base,
    future_field: { nested: [1, 2.5, -0.000001, 1e21, null, true], ключ: 'значение' },
    total_execution_time: 0.30000000000000004,
    used_seed: 4_294_967_295,
    items: [
      ...base.items,
      {
        ...base.items[0]!,
        sequence_number: 3,
        item_type: 'output_hologram',
        media_type: 'hologram',
        content: 'Ein Hund 🐕 — कुत्ता — 개 — "quoted" \\ back\nslash\ttab',
        metadata: { z: 1, a: { y: [3, 2, 1], b: 'x' }, ümlaut: 'ä' },
        execution_time: 123.456789,
      },
    ],
  } as ExecutionRecord;
}

/** Queries that cover every filter, paging and the empty answer. */
function queries(day: number): RecordQuery[] {
  return [
    {},
    { limit: 100 },
    { limit: 7, offset: 5 },
    { limit: 10, offset: 1000 },
    { configName: 'stillepost' },
    { status: 'blocked', safetyLevel: 'kids' },
    { userId: 'u1', sessionId: 's1' },
    { userId: 'nobody' },
    { sinceMillis: day + 10 * 3_600_000, untilMillis: day + 19 * 3_600_000 },
    { sinceMillis: day + 10 * 3_600_000 + 1, limit: 3 },
    { untilMillis: day + 5 * 3_600_000, configName: 'dada', limit: 2, offset: 1 },
    { status: 'incomplete' },
    { studyId: 'kunst-2026' },
    { studyId: 'kunst-2026', condition: 'control', limit: 3 },
    { condition: 'treatment', configName: 'dada' },
    { studyId: 'other-study' },
  ];
}

/**
 * The behaviour every `RecordStore` shares, answer for answer with `MemoryRecordStore` as the
 * reference. `tombstones`: a deleted id stays deleted when saved again (PostgreSQL store).
 */
export function describeRecordStoreContract(
  name: string,
  open: StoreFactory,
  { tombstones = false }: { tombstones?: boolean } = {},
): void {
  describe(`${name} (RecordStore contract)`, () => {
    it('gives back every record so that it serializes byte for byte as it was saved', async () => {
      const store = await open();
      const records = [...legacyRecords(), buildRecord(), unusualRecord()];
      for (const r of records) await store.save(r);
      for (const r of records) {
        const got = await store.get(r.execution_id);
        expect(got).toEqual(r);
        expect(serializeRecord(got!)).toBe(serializeRecord(r));
      }
      expect(await store.get('exec_20200101_000000_00000000')).toBeNull();
    });

    it('applies saves of one id in call order, the last one winning', async () => {
      const store = await open();
      const record = buildRecord({ status: 'incomplete' });
      await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          store.save({
            ...record,
            total_execution_time: n,
            status: n === 19 ? 'completed' : 'incomplete',
          }),
        ),
      );
      const saved = await store.get(record.execution_id);
      expect(saved?.total_execution_time).toBe(19);
      expect((await store.list()).records.map((r) => r.status)).toEqual(['completed']);
      expect((await store.stats()).records).toBe(1);
    });

    it('saves many ids concurrently without losing one', async () => {
      const store = await open();
      const records = Array.from({ length: 200 }, () => buildRecord());
      await Promise.all(records.map((r) => store.save(r)));
      expect((await store.list({ limit: 1 })).total).toBe(200);
    });

    it('lists legacy records newest first with their effective status', async () => {
      const store = await open();
      for (const r of legacyRecords()) await store.save(r);
      await expectLegacyListing(store);
    });

    it('answers every filter and page exactly as the in-memory index does, ties by id', async () => {
      const store = await open();
      const reference = new MemoryRecordStore();
      const day = Date.UTC(2026, 0, 10);
      for (let n = 0; n < 40; n++) {
        // Every fourth record shares its start time with the one before: order falls to the id.
        const record = buildRecord({
          startMillis: day + (n - (n % 4 === 3 ? 1 : 0)) * 3_600_000,
          config_name: n % 3 === 0 ? 'stillepost' : 'dada',
          status: n % 5 === 0 ? 'blocked' : n % 7 === 0 ? null : 'completed',
          safety_level: n % 2 ? 'youth' : 'kids',
          user_id: `u${n % 4}`,
          session_id: `s${n % 6}`,
          ...(n % 3 === 1
            ? { study_id: 'kunst-2026', condition: n % 2 ? 'treatment' : 'control' }
            : {}),
        });
        if (record.status === null) record.items = record.items.slice(0, 1);
        await store.save(record);
        await reference.save(record);
      }
      for (const q of queries(day))
        expect(await store.list(q), JSON.stringify(q)).toEqual(await reference.list(q));
      expect(await store.stats()).toEqual(await reference.stats());
    });

    it('finds runs by study and condition, a record with a NUL character too', async () => {
      const store = await open();
      const plain = buildRecord({ startMillis: Date.UTC(2026, 1, 1) });
      const studied = buildRecord({
        startMillis: Date.UTC(2026, 1, 2),
        study_id: 'kunst-2026',
        condition: 'control',
      });
      const nul = buildRecord({
        startMillis: Date.UTC(2026, 1, 3),
        study_id: 'kunst-2026',
        condition: 'treatment',
      });
      nul.items[0] = { ...nul.items[0]!, content: 'a\u0000b' };
      for (const r of [plain, studied, nul]) await store.save(r);
      const ids = async (q: RecordQuery) =>
        (await store.list(q)).records.map((r) => r.execution_id);
      expect(await ids({ studyId: 'kunst-2026' })).toEqual([
        nul.execution_id,
        studied.execution_id,
      ]);
      expect(await ids({ condition: 'treatment' })).toEqual([nul.execution_id]);
      expect(await ids({ studyId: 'kunst-2026', condition: 'control' })).toEqual([
        studied.execution_id,
      ]);
      expect((await store.get(nul.execution_id))?.condition).toBe('treatment');
    });

    it('refuses ids that are not execution ids', async () => {
      const store = await open();
      for (const bad of ['../secret', '/etc/passwd', 'exec_20260101_000000_abcdefgh', '']) {
        await expect(store.get(bad)).rejects.toBeInstanceOf(InvalidExecutionIdError);
        await expect(store.delete(bad)).rejects.toBeInstanceOf(InvalidExecutionIdError);
      }
      await expect(
        store.save(buildRecord({ execution_id: "x'; DROP TABLE executions; --" })),
      ).rejects.toBeInstanceOf(InvalidExecutionIdError);
    });

    it('deletes records and reports stats: count, bytes, oldest and newest', async () => {
      const store = await open();
      expect(await store.stats()).toEqual({
        records: 0,
        bytes: 0,
        unreadable: 0,
        unreadable_files: [],
        oldest: null,
        newest: null,
      });
      const older = buildRecord({ startMillis: Date.UTC(2026, 0, 1) });
      const newer = buildRecord({ startMillis: Date.UTC(2026, 5, 1) });
      await store.save(older);
      await store.save(newer);
      expect(await store.stats()).toEqual({
        records: 2,
        bytes: Buffer.byteLength(serializeRecord(older) + serializeRecord(newer)),
        unreadable: 0,
        unreadable_files: [],
        oldest: older.timestamp,
        newest: newer.timestamp,
      });
      expect(await store.delete(older.execution_id)).toBe(true);
      expect(await store.delete(older.execution_id)).toBe(false);
      expect(await store.get(older.execution_id)).toBeNull();
      expect((await store.list()).records.map((r) => r.execution_id)).toEqual([newer.execution_id]);
      expect((await store.stats()).records).toBe(1);
    });

    it(
      tombstones
        ? 'never brings a deleted record back when it is saved again'
        : 'stores a record saved again after its delete',
      async () => {
        const store = await open();
        const record = buildRecord();
        await store.save(record);
        await store.delete(record.execution_id);
        await store.save({ ...record, status: 'completed' });
        expect((await store.get(record.execution_id)) === null).toBe(tombstones);
        expect((await store.list()).total).toBe(tombstones ? 0 : 1);
      },
    );

    it('keeps annotations of stored runs: replaced by id, oldest first, found by rubric and key', async () => {
      const store = await open();
      const run = buildRecord();
      const other = buildRecord();
      await store.save(run);
      await store.save(other);
      const first = buildAnnotation(run.execution_id, { created_at: '2026-01-01T00:00:00.000Z' });
      const second = buildAnnotation(run.execution_id, {
        created_at: '2026-01-02T00:00:00.000Z',
        key: 'faithfulness',
        target: { loop_iteration: 1 },
        value: 'fully',
        reviewer: 'reviewer-2',
      });
      const elsewhere = buildAnnotation(other.execution_id, { rubric: 'other', key: 'x' });
      for (const a of [second, first, elsewhere]) expect(await store.putAnnotation(a)).toBe(true);
      const changed = {
        ...first,
        value: false,
        updated_at: '2026-01-03T00:00:00.000Z',
        history: [
          {
            action: 'updated' as const,
            by: 'reviewer-1',
            at: '2026-01-03T00:00:00.000Z',
            old_value: true,
            old_note: null,
          },
        ],
      };
      expect(await store.putAnnotation(changed)).toBe(true);
      expect(await store.annotationsOf(run.execution_id)).toEqual([changed, second]);
      expect(await store.findAnnotations({ rubric: 'child_idea' })).toEqual([changed, second]);
      expect(await store.findAnnotations({ rubric: 'child_idea', key: 'faithfulness' })).toEqual([
        second,
      ]);
      expect(await store.findAnnotations({ rubric: 'none' })).toEqual([]);
      expect(await store.annotationsOf(buildRecord().execution_id)).toEqual([]);
    });

    it('refuses an annotation of a run it does not hold', async () => {
      const store = await open();
      const missing = buildRecord();
      expect(await store.putAnnotation(buildAnnotation(missing.execution_id))).toBe(false);
      expect(await store.annotationsOf(missing.execution_id)).toEqual([]);
      await expect(store.annotationsOf('../x')).rejects.toBeInstanceOf(InvalidExecutionIdError);
    });

    it('deletes a run’s annotations with the run, and counts them when asked to delete them', async () => {
      const store = await open();
      const [a, b] = [buildRecord(), buildRecord()];
      await store.save(a);
      await store.save(b);
      for (let n = 0; n < 3; n++) await store.putAnnotation(buildAnnotation(a.execution_id));
      await store.putAnnotation(buildAnnotation(b.execution_id));
      expect(await store.deleteAnnotations(a.execution_id)).toBe(3);
      expect(await store.deleteAnnotations(a.execution_id)).toBe(0);
      expect(await store.annotationsOf(a.execution_id)).toEqual([]);
      await store.delete(b.execution_id);
      expect(await store.annotationsOf(b.execution_id)).toEqual([]);
      expect(await store.findAnnotations({ rubric: 'child_idea' })).toEqual([]);
      expect(await store.putAnnotation(buildAnnotation(b.execution_id))).toBe(false);
    });
  });
}
