import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRecordQuery } from '../../../src/query/list-filters.js';
import { rawStats, studyStats } from '../../../src/query/stats/study-stats.js';
import { FileRecordStore } from '../../../src/store/file-record-store.js';
import { MemoryRecordStore } from '../../../src/store/memory-record-store.js';
import { PostgresRecordStore } from '../../../src/store/postgres-record-store.js';
import type { RecordStore } from '../../../src/store/record-store.js';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.js';
import { sortedCells, studyRecords } from '../../helpers/study-records.js';
import { tempDir } from '../../helpers/temp-dir.js';

const records = studyRecords(120);
const deleted = records.slice(0, 3).map((r) => r.execution_id);

let server: TestPostgres;
const stores: Record<string, RecordStore> = {};

/** Only the `RecordStore` methods of a store: the path for stores without SQL or an index. */
const plain = (store: RecordStore): RecordStore => ({
  save: (r) => store.save(r),
  get: (id) => store.get(id),
  list: (q) => store.list(q),
  delete: (id) => store.delete(id),
  stats: () => store.stats(),
});

async function fill(store: RecordStore): Promise<RecordStore> {
  for (const r of records) await store.save(r);
  for (const id of deleted) await store.delete(id);
  return store;
}

beforeAll(async () => {
  server = await startTestPostgres();
  stores.postgres = await fill(await PostgresRecordStore.open(await server.createDatabase()));
  stores.file = await fill(await FileRecordStore.open(await tempDir()));
  stores.memory = await fill(new MemoryRecordStore());
  stores.plain = plain(stores.memory);
}, 120_000);

afterAll(async () => {
  await stores.postgres?.close?.();
  await stores.file?.close?.();
  await server?.stop();
});

const QUERIES = [
  {},
  { config: 'stillepost' },
  { safety_level: 'kids', since: '2026-11-25' },
  { date: '2026-11-26' },
  { status: 'blocked' as const },
  { q: 'Blume' },
  { q: 'und der' },
];

describe('GET /api/stats aggregates (contract: every store, the same records)', () => {
  for (const filters of QUERIES) {
    it(`gives the same numbers on PostgreSQL, files, memory and plain stores for ${JSON.stringify(filters)}`, async () => {
      const query = toRecordQuery(filters);
      const [postgres, ...others] = await Promise.all(
        ['postgres', 'file', 'memory', 'plain'].map((name) =>
          studyStats(stores[name]!, query, { k: 3, filters: {} }),
        ),
      );
      for (const other of others) expect(other).toEqual(postgres);
    });
  }

  it('gives the same raw cells (distinct users, percentiles to the bit) on PostgreSQL and files', async () => {
    const pg = await rawStats(stores.postgres!, {});
    const files = await rawStats(stores.file!, {});
    expect(sortedCells(files)).toEqual(sortedCells(pg));
    expect(pg.total.runs).toBe(records.length - deleted.length);
  });

  it('counts what the records hold (checked against a direct count)', async () => {
    const live = records.filter((r) => !deleted.includes(r.execution_id));
    const stats = await studyStats(stores.postgres!, {}, { k: 1, filters: {} });
    expect(stats.runs).toBe(live.length);
    const kids = live.filter((r) => r.safety_level === 'kids');
    const kidsBlocked = kids.filter((r) =>
      r.items.some((i) => i.item_type === 'stage1_blocked' || i.item_type === 'stage3_blocked'),
    );
    expect(stats.tables.block_rate_by_level.rows[0]).toEqual({
      safety_level: 'kids',
      runs: kids.length,
      blocked: kidsBlocked.length,
      block_rate: Math.round((kidsBlocked.length / kids.length) * 1e4) / 1e4,
    });
    const images = live.flatMap((r) => r.items).filter((i) => i.item_type === 'output_image');
    expect(stats.tables.outputs_by_media_type.rows[0]).toMatchObject({
      media_type: 'image',
      outputs: images.length,
    });
    const round1 = stats.tables.stillepost_drift.rows[0]!;
    expect(round1).toMatchObject({ iteration: 1, mean_similarity: 1, mean_drift: 0 });
  });

  it('hides cells from fewer than k users, and a second one when only one would be hidden', async () => {
    const stats = await studyStats(stores.file!, {}, { k: 3, filters: {} });
    const configs = stats.tables.block_rate_by_config;
    expect(configs.rows.map((r) => r.config)).not.toContain('solo_config');
    expect(configs.hidden).toBe(2);
    expect(configs.rows).toHaveLength(2);
  });

  it('hides everything when all matching runs come from fewer than k users', async () => {
    const stats = await studyStats(stores.postgres!, toRecordQuery({ config: 'solo_config' }), {
      k: 2,
      filters: { config: 'solo_config' },
    });
    expect(stats.runs).toBeNull();
    expect(stats.too_few_users).toBe(true);
    for (const table of Object.values(stats.tables)) expect(table.rows).toEqual([]);
    expect(stats.tables.block_rate_by_level.hidden).toBeGreaterThan(0);
  });

  it('writes the facts of runs saved before the stats table existed when PostgreSQL opens', async () => {
    const url = await server.createDatabase();
    const first = await PostgresRecordStore.open(url);
    for (const r of records.slice(0, 20)) await first.save(r);
    const before = await rawStats(first, {});
    const client = new pg.Client(url);
    await client.connect();
    // What a worker of an earlier version leaves: rows without facts, runs not in the rollup.
    await client.query(
      'UPDATE executions SET stats_blocked = NULL, stage1_micros = NULL, output_media = NULL, ' +
        'drift = NULL, stats_day = NULL; DELETE FROM stats_rollup',
    );
    await client.end();
    expect((await rawStats(first, {})).total.runs).toBe(0);
    await first.close();
    const again = await PostgresRecordStore.open(url);
    try {
      expect(await rawStats(again, {})).toEqual(before);
    } finally {
      await again.close();
    }
  });
});
