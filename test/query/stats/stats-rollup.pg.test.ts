import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../../src/domain/execution-record.js';
import { toRecordQuery } from '../../../src/query/list-filters.js';
import { rollupStatements } from '../../../src/query/stats/rollup-stats.js';
import { statementStats, statsStatements } from '../../../src/query/stats/sql-stats.js';
import { rawStats } from '../../../src/query/stats/study-stats.js';
import { localZone } from '../../../src/store/postgres/stats-rows.js';
import { FileRecordStore } from '../../../src/store/file-record-store.js';
import { PostgresRecordStore } from '../../../src/store/postgres-record-store.js';
import type { RecordQuery, RecordStore } from '../../../src/store/record-store.js';
import { durationBucket } from '../../../src/store/stats/duration-buckets.js';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { seeded, sortedCells, studyRecords } from '../../helpers/study-records.js';
import { tempDir } from '../../helpers/temp-dir.js';

const records = studyRecords(80, 11);
/** A checkpoint of a run: its first items, not yet final. */
const checkpoint = (r: ExecutionRecord): ExecutionRecord => ({
  ...r,
  status: 'incomplete',
  items: r.items.slice(0, 3),
});
const neverFinished = records.slice(0, 4);
const resaved = records.slice(4, 10);
const deleted = records.slice(10, 16).map((r) => r.execution_id);
/** A run saved final, then final again with another level and time (it moves between keys). */
const moved = (r: ExecutionRecord): ExecutionRecord => ({
  ...r,
  safety_level: r.safety_level === 'kids' ? 'adult' : 'kids',
  timestamp: new Date(Date.parse(r.timestamp) + 86_400_000).toISOString(),
});

let server: TestPostgres;
let url: string;
let postgres: PostgresRecordStore;
let files: FileRecordStore;

/** Checkpoints, finals, a few finals saved again elsewhere, runs left unfinished, deletions. */
async function fill(store: RecordStore) {
  for (const r of records) await store.save(checkpoint(r));
  for (const r of records.slice(neverFinished.length)) await store.save(r);
  for (const r of resaved) await store.save(moved(r));
  for (const r of resaved.slice(0, 2)) await store.save(moved(r)); // the same final once more
  for (const id of deleted) await store.delete(id);
}

beforeAll(async () => {
  server = await startTestPostgres();
  url = await server.createDatabase();
  postgres = await PostgresRecordStore.open(url);
  files = await FileRecordStore.open(await tempDir());
  await fill(postgres);
  await fill(files);
}, 120_000);

afterAll(async () => {
  await postgres?.close();
  await files?.close();
  await server?.stop();
});

/** The aggregates of `query` as the scan of the runs' rows answers it (not the rollup). */
const scanned = (store: PostgresRecordStore, query: RecordQuery) =>
  statementStats(store, statsStatements(query, localZone()));

describe('study overview rollup (PostgreSQL)', () => {
  it('answers whole-day filters from the rollup and leaves text searches and ids to the scan', async () => {
    const zone = localZone();
    const day = toRecordQuery({ date: '2026-11-25', config: 'dada' });
    expect(await rollupStatements(postgres, day, zone)).not.toBeNull();
    expect(await rollupStatements(postgres, { sinceMillis: 1 }, zone)).not.toBeNull();
    expect(await rollupStatements(postgres, { text: 'Blume' }, zone)).toBeNull();
    expect(await rollupStatements(postgres, {}, 'Pacific/Kiritimati')).toBeNull();
    const [fromRollup, fromFiles] = await Promise.all([
      rawStats(postgres, day),
      rawStats(files, day),
    ]);
    expect(fromRollup.total.runs).toBeGreaterThan(0);
    expect(sortedCells(fromRollup)).toEqual(sortedCells(fromFiles));
  });

  const queries: RecordQuery[] = [
    {},
    { safetyLevel: 'kids' },
    { configName: 'stillepost' },
    // Times of day: whole days from the rollup, the partial days from their runs.
    toRecordQuery({ since: '2026-11-24T12:00' }),
    toRecordQuery({ since: '2026-11-24T11:30', until: '2026-11-26T10:15' }),
    toRecordQuery({ since: '2026-11-25T10:00', until: '2026-11-25T14:00', config: 'dada' }),
    toRecordQuery({ since: '2026-11-25', until: '2026-11-25T13:00' }),
  ];
  for (const query of queries)
    it(`counts each finished run once, as the scan and the file store do: ${JSON.stringify(query)}`, async () => {
      const rollup = await rawStats(postgres, query);
      expect(rollup.total.runs).toBeGreaterThan(0);
      expect(sortedCells(rollup)).toEqual(sortedCells(await scanned(postgres, query)));
      expect(sortedCells(rollup)).toEqual(sortedCells(await rawStats(files, query)));
    });

  it('leaves unfinished and deleted runs out, and a run saved final twice counts once', async () => {
    const counted = records.length - neverFinished.length - deleted.length;
    expect((await rawStats(postgres, {})).total.runs).toBe(counted);
    expect((await rawStats(postgres, { status: 'incomplete' })).total.runs).toBe(0);
    const client = new pg.Client(url);
    await client.connect();
    try {
      const { rows } = await client.query<{ runs: number }>(
        "SELECT sum(runs)::integer AS runs FROM stats_rollup WHERE kind = 'run'",
      );
      expect(rows[0]!.runs).toBe(counted);
    } finally {
      await client.end();
    }
  });

  it('leaves no trace of a deleted run: deleting every run of a user empties its cells', async () => {
    const user = records[20]!.user_id;
    const theirs = records.filter((r) => r.user_id === user && !deleted.includes(r.execution_id));
    const before = await rawStats(postgres, {});
    for (const r of theirs) await postgres.delete(r.execution_id);
    const after = await rawStats(postgres, {});
    expect(after.total.users).toBe(before.total.users - 1);
    expect(sortedCells(after)).toEqual(sortedCells(await scanned(postgres, {})));
    const client = new pg.Client(url);
    await client.connect();
    try {
      const { rows } = await client.query<{ runs: number }>(
        "SELECT coalesce(sum(runs), 0)::integer AS runs FROM stats_rollup WHERE kind = 'run'",
      );
      expect(rows[0]!.runs).toBe(after.total.runs);
    } finally {
      await client.end();
    }
  });

  it('keeps the rollup right under concurrent saves and deletes of runs in the same cells', async () => {
    const db = await PostgresRecordStore.open(await server.createDatabase(), { poolSize: 8 });
    try {
      // One day, few keys: many concurrent transactions change the same rollup cells.
      const runs = studyRecords(120, 21, 12).map((r, i) => ({
        ...r,
        timestamp: records[0]!.timestamp,
        config_name: i % 2 ? 'dada' : 'bauhaus',
      }));
      await Promise.all(runs.map((r) => db.save(checkpoint(r))));
      await Promise.all(runs.map((r, i) => (i % 3 ? db.save(r) : db.save(moved(r)))));
      await Promise.all([
        ...runs.slice(0, 30).map((r) => db.delete(r.execution_id)),
        ...runs.slice(30, 60).map((r) => db.save(moved(r))),
      ]);
      const fromRollup = await rawStats(db, {});
      expect(fromRollup.total.runs).toBe(90);
      expect(sortedCells(fromRollup)).toEqual(sortedCells(await scanned(db, {})));
    } finally {
      await db.close();
    }
  });

  it('buckets durations in SQL exactly as in TypeScript', async () => {
    const random = seeded(9);
    const values = [0, 1, 63, 64, 65, 127, 128, 2 ** 31, 2 ** 40 + 12345];
    for (let i = 0; i < 300; i += 1) values.push(Math.floor(2 ** (random() * 50)));
    const client = new pg.Client(url);
    await client.connect();
    try {
      const { rows } = await client.query<{ b: number }>(
        'SELECT stats_bucket(v) AS b FROM unnest($1::bigint[]) WITH ORDINALITY x(v, i) ORDER BY i',
        [values],
      );
      expect(rows.map((r) => r.b)).toEqual(values.map(durationBucket));
    } finally {
      await client.end();
    }
  });
});
