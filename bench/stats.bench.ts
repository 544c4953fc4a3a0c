// The study overview (`GET /api/stats`: every breakdown, k-anonymous) over 100,000 records on
// both stores: p50 and p95 per kind of selection, target p95 ≤ 200 ms on PostgreSQL; and the
// cost of the per-run facts at save time.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { serializeRecord } from '../src/domain/record-codec.js';
import { toRecordQuery } from '../src/query/list-filters.js';
import { studyStats } from '../src/query/stats/study-stats.js';
import { FileRecordStore } from '../src/store/file-record-store.js';
import { PostgresRecordStore } from '../src/store/postgres-record-store.js';
import { localZone, statsParameters, UPSERT_STATS } from '../src/store/postgres/stats-rows.js';
import { ROW_COLUMNS, toRow } from '../src/store/postgres/summary-columns.js';
import type { RecordStore } from '../src/store/record-store.js';
import { runFacts, type RunFacts } from '../src/store/stats/run-facts.js';
import { startLocalPostgres } from '../test/helpers/postgres.js';
import { studyRecordStream } from '../test/helpers/study-records.js';
import { benchDir, discardDir, fmt, percentile, report, type Figure } from './stats.js';

const RECORDS = Number(process.env.BENCH_STATS_RECORDS ?? 100_000);
const QUERIES = Number(process.env.BENCH_STATS_QUERIES ?? 20);
const USERS = 400;
const DAYS = 30;
const TARGET_MILLIS = 200;
const { Client } = pg;
const TYPES = ['text', 'bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'text']
  .concat(['integer', 'float8', 'text', 'integer', 'text'])
  .map((t, i) => `${ROW_COLUMNS[i]} ${t}`);
const KEYS = ROW_COLUMNS.slice(0, -1).map((c) => c.replaceAll('"', ''));

const records = () => studyRecordStream(RECORDS, 3, USERS, DAYS);

/** The selections measured (the list filters as the API takes them). */
const KINDS: { name: string; filters: (q: number) => Record<string, string> }[] = [
  { name: 'all runs', filters: () => ({}) },
  { name: 'one config', filters: (q) => ({ config: ['dada', 'bauhaus', 'stillepost'][q % 3]! }) },
  {
    name: 'one level, since a date',
    filters: (q) => ({
      safety_level: 'kids',
      since: `2026-12-${String(1 + (q % 9)).padStart(2, '0')}`,
    }),
  },
  { name: 'one day', filters: (q) => ({ date: `2026-11-${24 + (q % 6)}` }) },
  {
    name: 'one level, since a time of day',
    filters: (q) => ({
      safety_level: 'kids',
      since: `2026-12-${String(1 + (q % 9)).padStart(2, '0')}T12:00`,
    }),
  },
];

async function measure(store: RecordStore) {
  const out = [];
  for (const kind of KINDS) {
    const run = (q: number) =>
      studyStats(store, toRecordQuery(kind.filters(q)), { k: 5, filters: kind.filters(q) });
    for (let q = 0; q < 3; q++) await run(q); // warm-up
    const times: number[] = [];
    let runs = 0;
    for (let q = 0; q < QUERIES; q++) {
      const t = performance.now();
      runs += (await run(q)).runs ?? 0;
      times.push(performance.now() - t);
    }
    if (runs === 0) throw new Error(`${kind.name}: the selections matched nothing`);
    out.push({ kind: kind.name, times, runs: runs / QUERIES });
  }
  return out;
}

async function fileStore(dir: string) {
  await mkdir(dir, { recursive: true });
  const pending: Promise<void>[] = [];
  for (const r of records()) {
    pending.push(writeFile(join(dir, `${r.execution_id}.json`), serializeRecord(r)));
    if (pending.length === 500) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const t = performance.now();
  const store = await FileRecordStore.open(dir, { fsync: false });
  return { store, openSeconds: (performance.now() - t) / 1000 };
}

/** Loads rows (2,000 a statement) and their facts rows as the store's save writes them. */
export async function postgresStore(url: string) {
  const store = await PostgresRecordStore.open(url, { poolSize: 8 });
  const client = new Client(url);
  await client.connect();
  let batch: Record<string, unknown>[] = [];
  let facts: { id: string; facts: RunFacts }[] = [];
  let factsMillis = 0;
  const flush = async () => {
    await client.query(
      `INSERT INTO executions (${ROW_COLUMNS.join(', ')}, search_vector)
       SELECT ${ROW_COLUMNS.slice(0, -1).join(', ')}, body::jsonb, ''::tsvector
       FROM json_to_recordset($1::json) AS x(${TYPES.join(', ')})`,
      [JSON.stringify(batch)],
    );
    await client.query(UPSERT_STATS, statsParameters(facts));
    [batch, facts] = [[], []];
  };
  for (const r of records()) {
    const row = toRow(r).slice(0, -1);
    batch.push(Object.fromEntries(KEYS.map((k, i) => [k, row[i]])));
    const t = performance.now();
    facts.push({ id: r.execution_id, facts: runFacts(r) });
    factsMillis += performance.now() - t;
    if (batch.length === 2_000) await flush();
  }
  if (batch.length) await flush();
  await client.query('SELECT recount_executions()');
  const t = performance.now();
  await client.query('SELECT stats_rollup_rebuild($1)', [localZone()]);
  const rebuildSeconds = (performance.now() - t) / 1000;
  await client.query('VACUUM ANALYZE executions');
  await client.query('VACUUM ANALYZE stats_rollup');
  const { rows } = await client.query<{ n: number }>(
    'SELECT count(*)::integer AS n FROM stats_rollup',
  );
  await client.end();
  return {
    store,
    factsMicros: (factsMillis * 1000) / RECORDS,
    rebuildSeconds,
    rollupRows: rows[0]!.n,
  };
}

export async function benchStats(): Promise<Figure[]> {
  const server = await startLocalPostgres();
  const dir = await benchDir('stats-');
  try {
    const url = await server.createDatabase();
    const db = await postgresStore(url);
    const pgFigures = await measure(db.store);
    await db.store.close();
    const files = await fileStore(join(dir, 'files'));
    const fileFigures = await measure(files.store);
    await files.store.close();
    const k = (x: number) => Math.round(x).toLocaleString('en');
    const figures: Figure[] = [
      {
        name: 'run facts at save time (block, times, outputs, drift), µs per run',
        value: fmt(db.factsMicros, 1),
      },
      { name: 'file store: open and index (with facts), s', value: fmt(files.openSeconds, 1) },
      {
        name: 'PostgreSQL: rollup built from all runs (stats_rollup_rebuild), s / rows',
        value: `${fmt(db.rebuildSeconds, 1)} / ${k(db.rollupRows)}`,
      },
    ];
    for (const [store, results, target] of [
      ['PostgreSQL', pgFigures, true],
      ['file store', fileFigures, false],
    ] as const)
      for (const r of results) {
        const p95 = percentile(r.times, 95);
        figures.push({
          name: `${store}: ${r.kind} (~${k(r.runs)} runs), p50 / p95`,
          value: `${fmt(percentile(r.times, 50))} / ${fmt(p95)} ms`,
          ...(target ? { target: `p95 ≤ ${TARGET_MILLIS} ms`, met: p95 <= TARGET_MILLIS } : {}),
        });
      }
    return report(
      `Study overview over ${k(RECORDS)} records (${USERS} users, ${DAYS} days)`,
      figures,
    );
  } finally {
    await discardDir(dir);
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await benchStats();
