// A list page with a search over 100,000 records, on both stores: p50 and p95 per kind of query
// (a word in a third of the runs, one in a few percent, a name in about 20, two words, a search
// with filters, a prefix filter), target p95 ≤ 50 ms; and the time to build each store's index.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { serializeRecord } from '../src/domain/record-codec.js';
import { FileRecordStore } from '../src/store/file-record-store.js';
import { PostgresRecordStore } from '../src/store/postgres-record-store.js';
import { ROW_COLUMNS, toRow, toSearchRow } from '../src/store/postgres/summary-columns.js';
import type { RecordQuery, RecordStore } from '../src/store/record-store.js';
import { startLocalPostgres } from './shared/postgres.js';
import { BENCH_START, CONFIGS } from './bench-records.js';
import { nameOf, NOUNS, searchRecords } from './search-records.js';
import { benchDir, discardDir, fmt, percentile, report, type Figure } from './stats.js';

const RECORDS = Number(process.env.BENCH_SEARCH_RECORDS ?? 100_000);
const QUERIES = Number(process.env.BENCH_SEARCH_QUERIES ?? 100);
const TARGET_MILLIS = 50;
const DAY = 86_400_000;
const { Client } = pg;
const TYPES = ['text', 'bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'text']
  .concat(['integer', 'float8', 'text', 'integer', 'text'])
  .map((t, i) => `${ROW_COLUMNS[i]} ${t}`);
const KEYS = [...ROW_COLUMNS.slice(0, -1).map((c) => c.replaceAll('"', '')), 'o', 't', 'f', 'e'];

/** The kinds of list page measured; `q` is the query number. */
const KINDS: { name: string; query: (q: number) => RecordQuery }[] = [
  {
    name: 'common word (Hund, dog: a third of the runs)',
    query: (q) => ({ text: q % 2 ? 'Hund' : 'dogs', offset: (q % 4) * 50 }),
  },
  {
    name: 'rarer word (a few % of the runs)',
    query: (q) => ({ text: NOUNS[10 + (q % 30)]![q % 2] }),
  },
  { name: 'a made-up name (about 20 runs)', query: (q) => ({ text: nameOf(q * 37) }) },
  {
    name: 'two words (adjective and noun)',
    query: (q) => ({ text: `${q % 2 ? 'roter' : 'red'} ${NOUNS[q % 20]![q % 2]}` }),
  },
  {
    name: 'word + config, level and time filters',
    query: (q) => ({
      text: NOUNS[q % 10]![1],
      configName: CONFIGS[q % CONFIGS.length],
      safetyLevel: 'kids',
      sinceMillis: BENCH_START + (q % 10) * DAY,
    }),
  },
  { name: 'user id prefix, no search', query: (q) => ({ userIdPrefix: `child-${q % 50}` }) },
];

async function measure(
  store: RecordStore,
): Promise<{ kind: string; times: number[]; hits: number }[]> {
  const out = [];
  for (const kind of KINDS) {
    for (let q = 0; q < 10; q++) await store.list({ limit: 50, ...kind.query(q) }); // warm-up
    const times: number[] = [];
    let hits = 0;
    for (let q = 0; q < QUERIES; q++) {
      const t = performance.now();
      const page = await store.list({ limit: 50, ...kind.query(q) });
      times.push(performance.now() - t);
      hits += page.total;
    }
    if (hits === 0) throw new Error(`${kind.name}: the queries matched nothing`);
    out.push({ kind: kind.name, times, hits: hits / QUERIES });
  }
  return out;
}

async function fileStore(dir: string): Promise<{ store: FileRecordStore; openSeconds: number }> {
  await mkdir(dir, { recursive: true });
  const pending: Promise<void>[] = [];
  for (const r of searchRecords(RECORDS)) {
    pending.push(writeFile(join(dir, `${r.execution_id}.json`), serializeRecord(r)));
    if (pending.length === 500) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const t = performance.now();
  const store = await FileRecordStore.open(dir, { fsync: false });
  return { store, openSeconds: (performance.now() - t) / 1000 };
}

/** Loads the records with multi-row INSERTs (2,000 a statement), search columns made by SQL. */
async function postgresStore(url: string): Promise<{ store: PostgresRecordStore; rate: number }> {
  const store = await PostgresRecordStore.open(url, { poolSize: 8 });
  const client = new Client(url);
  await client.connect();
  const t = performance.now();
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    await client.query(
      `INSERT INTO executions (${ROW_COLUMNS.join(', ')}, search_vector, prompt_excerpt)
       SELECT ${ROW_COLUMNS.slice(0, -1).join(', ')}, body::jsonb,
         execution_search_vector(o, t, f), e
       FROM json_to_recordset($1::json) AS x(${TYPES.join(', ')}, o text, t text, f text, e text)`,
      [JSON.stringify(batch)],
    );
    batch = [];
  };
  for (const r of searchRecords(RECORDS)) {
    const row = [...toRow(r).slice(0, -1), ...toSearchRow(r)];
    batch.push(Object.fromEntries(KEYS.map((k, i) => [k, row[i]])));
    if (batch.length === 2_000) await flush();
  }
  if (batch.length) await flush();
  const rate = RECORDS / ((performance.now() - t) / 1000);
  await client.query('SELECT recount_executions()');
  await client.query('VACUUM ANALYZE executions');
  await client.end();
  return { store, rate };
}

export async function benchSearch(): Promise<Figure[]> {
  const server = await startLocalPostgres();
  const dir = await benchDir('search-');
  try {
    const files = await fileStore(join(dir, 'files'));
    const fileFigures = await measure(files.store);
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
    await files.store.close();
    const url = await server.createDatabase();
    const db = await postgresStore(url);
    const pgFigures = await measure(db.store);
    await db.store.close();
    const k = (x: number) => x.toLocaleString('en');
    const figures: Figure[] = [
      { name: 'file store: open and index, s', value: fmt(files.openSeconds, 1) },
      { name: 'file store: heap after indexing', value: `${fmt(heapMb, 0)} MB` },
      {
        name: 'PostgreSQL: bulk load with search columns, records/s (fsync off)',
        value: fmt(db.rate, 0),
      },
    ];
    for (const [store, results] of [
      ['file store', fileFigures],
      ['PostgreSQL', pgFigures],
    ] as const)
      for (const r of results) {
        const p95 = percentile(r.times, 95);
        figures.push({
          name: `${store}: ${r.kind}, ~${k(Math.round(r.hits))} hits, p50 / p95`,
          value: `${fmt(percentile(r.times, 50))} / ${fmt(p95)} ms`,
          target: `p95 ≤ ${TARGET_MILLIS} ms`,
          met: p95 <= TARGET_MILLIS,
        });
      }
    return report(`Search over ${k(RECORDS)} records, a list page of 50`, figures);
  } finally {
    await discardDir(dir);
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await benchSearch();
