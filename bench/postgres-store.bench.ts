// PostgreSQL store figures beside the file store's, in one run: records/s from two writer
// processes into one store, bulk export rate, list page p95 over 1,000,000 records (≤ 20 ms),
// get p95. Starts its own durable PostgreSQL server (fsync on) from the machine's binaries.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { exportFiles } from '../src/cli/export-files-command.js';
import { serializeRecord } from '../src/domain/record-codec.js';
import { FileRecordStore } from '../src/store/file-record-store.js';
import { ROW_COLUMNS, toRow } from '../src/store/postgres/summary-columns.js';
import { PostgresRecordStore } from '../src/store/postgres-record-store.js';
import type { RecordQuery, RecordStore } from '../src/store/record-store.js';
import { startLocalPostgres } from './shared/postgres.js';
import { BENCH_START, benchRecords, CONFIGS } from './bench-records.js';
import { benchDir, discardDir, fmt, percentile, report, type Figure } from './stats.js';
import { PACKAGE_ROOT } from '../src/telemetry/tracker/package-root.js';

const RECORDS = Number(process.env.BENCH_PG_RECORDS ?? 1_000_000);
const FILE_RECORDS = Number(process.env.BENCH_PG_FILE_RECORDS ?? 100_000);
const WRITES = Number(process.env.BENCH_PG_WRITES ?? 10_000);
const QUERIES = 200;
const GETS = 500;
const DAY = 86_400_000;
const ROOT = PACKAGE_ROOT;
const TYPES = ['text', 'bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'text']
  .concat(['integer', 'float8', 'text', 'integer', 'text'])
  .map((t, i) => `${ROW_COLUMNS[i]} ${t}`);
const NAMES = ROW_COLUMNS.slice(0, -1);

/** The query mix of bench/store.bench.ts. */
export const query = (q: number): RecordQuery => ({
  configName: CONFIGS[q % CONFIGS.length],
  safetyLevel: q % 2 ? 'kids' : undefined,
  status: q % 3 ? 'completed' : undefined,
  sinceMillis: BENCH_START + (q % 10) * DAY,
  untilMillis: BENCH_START + 60 * DAY,
  limit: 50,
  offset: (q % 5) * 50,
});

async function timed<T>(times: number[], task: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const result = await task();
  times.push(performance.now() - t);
  return result;
}

/** Two writer processes saving `WRITES` records each into one store; aggregate records/s. */
async function twoWriters(kind: 'postgres' | 'file', target: string): Promise<number> {
  const children = [101, 202].map((seed) =>
    spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/store-writer.ts', kind, target, String(WRITES), String(seed)],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
    ),
  );
  const outputs = children.map((child) => {
    let out = '';
    let ready: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.startsWith('ready\n')) ready();
    });
    const result = new Promise<{ startMillis: number; endMillis: number }>((resolve, reject) =>
      child.on('exit', (code) =>
        code === 0
          ? resolve(JSON.parse(out.slice('ready\n'.length)))
          : reject(new Error(`writer exited ${code}`)),
      ),
    );
    return { isReady, result };
  });
  await Promise.all(outputs.map((o) => o.isReady));
  for (const child of children) child.stdin.end('go\n');
  const runs = outputs.map((o) => o.result);
  const done = await Promise.all(runs);
  const span =
    Math.max(...done.map((d) => d.endMillis)) - Math.min(...done.map((d) => d.startMillis));
  return (2 * WRITES) / (span / 1000);
}

/** Loads `count` records with multi-row INSERTs (unnest of column arrays), 2,000 a statement. */
export async function bulkLoad(url: string, count: number, sampleIds: string[]): Promise<number> {
  const client = new pg.Client(url);
  client.on('error', () => {}); // a failed statement rejects its query; nothing else to do
  await client.connect();
  try {
    return await load(client, count, sampleIds);
  } finally {
    await client.end();
  }
}

async function load(client: pg.Client, count: number, sampleIds: string[]): Promise<number> {
  const t = performance.now();
  let batch: Record<string, unknown>[] = [];
  let n = 0;
  // One JSON text a statement (JSON.stringify is far cheaper than pg's array literals); the
  // server derives the JSONB copy from the canonical text, as save_execution is given it.
  let inFlight: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    if (batch.length === 0) return;
    await inFlight;
    inFlight = client.query(
      `INSERT INTO executions (${ROW_COLUMNS.join(', ')})
       SELECT ${NAMES.join(', ')}, CASE WHEN x.jsonb_ok THEN body::jsonb END
       FROM json_to_recordset($1::json) AS x(${TYPES.join(', ')}, jsonb_ok boolean)`,
      [JSON.stringify(batch)],
    );
    batch = [];
  };
  // NOTE: one statement in flight while the next batch is built, so client and server overlap.
  const keys = [...NAMES.map((c) => c.replaceAll('"', '')), 'jsonb_ok'];
  for (const record of benchRecords(count, 7)) {
    const row: unknown[] = toRow(record);
    row[14] = row[14] !== null;
    batch.push(Object.fromEntries(keys.map((k, i) => [k, row[i]])));
    if (n++ % Math.ceil(count / GETS) === 0) sampleIds.push(record.execution_id);
    if (batch.length === 2_000) await flush();
  }
  await flush();
  await inFlight;
  const seconds = (performance.now() - t) / 1000;
  await client.query('SELECT recount_executions()');
  await client.query('VACUUM ANALYZE executions');
  return count / seconds;
}

/** List page and get times over `store`. */
async function readFigures(
  store: RecordStore,
  ids: string[],
): Promise<{ list: number[]; get: number[]; first: number[] }> {
  const list: number[] = [];
  const first: number[] = [];
  for (let q = 0; q < 50; q++) await timed(first, () => store.list({ limit: 50 }));
  const get: number[] = [];
  let matched = 0;
  for (let q = 0; q < 20; q++) await store.list(query(q)); // warm-up
  for (let q = 0; q < QUERIES; q++) {
    matched += (await timed(list, () => store.list(query(q)))).total;
  }
  if (matched === 0) throw new Error('benchmark queries matched nothing');
  for (let g = 0; g < GETS; g++) {
    const record = await timed(get, () => store.get(ids[(g * 7919) % ids.length]!));
    if (!record) throw new Error('benchmark get found nothing');
  }
  return { list, get, first };
}

export async function benchPostgresStore(): Promise<Figure[]> {
  const server = await startLocalPostgres({ durable: true });
  const dir = await benchDir('pg-store-');
  try {
    // Writes from two processes, and export, on a small database.
    const writesUrl = await server.createDatabase();
    await (await PostgresRecordStore.open(writesUrl)).close(); // migrate outside the timing
    const pgWrites = await twoWriters('postgres', writesUrl);
    const fileWrites = await twoWriters('file', join(dir, 'writes'));
    const writesStore = await PostgresRecordStore.open(writesUrl);
    const t = performance.now();
    const exported = await exportFiles(writesStore, join(dir, 'export'));
    const exportRate = exported / ((performance.now() - t) / 1000);
    const exportMb = (await writesStore.stats()).bytes / 2 ** 20 / ((performance.now() - t) / 1000);
    await writesStore.close();

    // A million records, loaded in bulk, then read.
    const bigUrl = await server.createDatabase();
    const big = await PostgresRecordStore.open(bigUrl);
    const ids: string[] = [];
    const loadRate = await bulkLoad(bigUrl, RECORDS, ids);
    const pgRead = await readFigures(big, ids);
    const sizeClient = new pg.Client(bigUrl);
    await sizeClient.connect();
    const sizeRows = await sizeClient.query<{ mb: string }>(
      "SELECT pg_total_relation_size('executions') / 1048576 AS mb",
    );
    await sizeClient.end();
    await big.close();

    // The file store, with the same records and queries, at FILE_RECORDS.
    const filesDir = join(dir, 'files');
    const fileIds: string[] = [];
    const { mkdir } = await import('node:fs/promises');
    await mkdir(filesDir);
    const pending: Promise<void>[] = [];
    let n = 0;
    for (const record of benchRecords(FILE_RECORDS, 7)) {
      if (n++ % Math.ceil(FILE_RECORDS / GETS) === 0) fileIds.push(record.execution_id);
      pending.push(
        writeFile(join(filesDir, `${record.execution_id}.json`), serializeRecord(record)),
      );
      if (pending.length === 500) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    const files = await FileRecordStore.open(filesDir);
    const fileRead = await readFigures(files, fileIds);

    const p95 = percentile(pgRead.list, 95);
    const k = (x: number) => x.toLocaleString('en');
    return report(`PostgreSQL store (${k(RECORDS)} records; file store ${k(FILE_RECORDS)})`, [
      { name: 'records/s, two writer processes, PostgreSQL (fsync on)', value: fmt(pgWrites, 0) },
      {
        name: 'records/s, two writer processes, file store (a directory each, fsync on)',
        value: fmt(fileWrites, 0),
      },
      { name: `bulk load (multi-row INSERT), records/s`, value: fmt(loadRate, 0) },
      { name: 'table + indexes + TOAST size', value: `${sizeRows.rows[0]!.mb} MB` },
      {
        name: 'filtered list page, p50, PostgreSQL',
        value: `${fmt(percentile(pgRead.list, 50))} ms`,
      },
      {
        name: 'filtered list page, p95, PostgreSQL',
        value: `${fmt(p95)} ms`,
        target: '≤ 20 ms',
        met: p95 <= 20,
      },
      {
        name: 'first page, no filter (total over every record), p95, PostgreSQL',
        value: `${fmt(percentile(pgRead.first, 95))} ms`,
      },
      {
        name: 'first page, no filter, p95, file store',
        value: `${fmt(percentile(fileRead.first, 95))} ms`,
      },
      {
        name: 'filtered list page, p95, file store',
        value: `${fmt(percentile(fileRead.list, 95))} ms`,
      },
      {
        name: 'get p50 / p95, PostgreSQL',
        value: `${fmt(percentile(pgRead.get, 50))} / ${fmt(percentile(pgRead.get, 95))} ms`,
      },
      {
        name: 'get p50 / p95, file store',
        value: `${fmt(percentile(fileRead.get, 50))} / ${fmt(percentile(fileRead.get, 95))} ms`,
      },
      {
        name: `export --files, records/s (${k(exported)} records)`,
        value: `${fmt(exportRate, 0)} (${fmt(exportMb, 1)} MB/s)`,
      },
    ]);
  } catch (error) {
    console.error(error);
    throw error;
  } finally {
    await discardDir(dir);
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await benchPostgresStore();
