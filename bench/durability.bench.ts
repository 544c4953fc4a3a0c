// Durable saves: records/s of the record path next to the floor of writing the same bytes the
// same way (the store's journal with group commit, then the atomic temp file + rename, same fsync
// setting, same concurrency) in the same run; and what waiting for the save adds to the answer of the execute
// route, with fsync on and off, for 1 and 32 concurrent clients (a real server process).
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { ExecutionRecord } from '../src/domain/execution-record.js';
import { serializeRecord } from '../src/domain/record-codec.js';
import { FileRecordStore } from '../src/store/file-record-store.js';
import { JournalledRecordFiles } from '../src/store/journalled-record-files.js';
import { ATTR_EXECUTION_ID } from '../src/telemetry/tracker/attributes.js';
import { ExecutionRecordExporter } from '../src/telemetry/record/execution-record-exporter.js';
import { startProcess, answers, freePort } from './shared/processes.js';
import { autocannon } from './server-load.bench.js';
import { benchDir, discardDir, fmt, report, type Figure } from './stats.js';
import { capturedRuns } from './stille-post-run.js';

/** One save the record path made: the run, its text, and whether it was the final state. */
interface Written {
  id: string;
  text: string;
  final: boolean;
}

const RUNS = Number(process.env.BENCH_DURABLE_RUNS ?? 3_000);
const WAVE = 32;
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 4);

/** The record path: each run's spans exported as they ended, `WAVE` runs at a time. */
async function recordPath(runs: ReadableSpan[][], fsync: boolean) {
  const dir = await benchDir('durable-');
  const store = await FileRecordStore.open(dir, { fsync });
  const written: Written[][] = [];
  let wave: Written[] = [];
  const recording = Object.assign(Object.create(store) as FileRecordStore, {
    save: (record: ExecutionRecord) => {
      const final = record.status !== 'incomplete';
      wave.push({ id: record.execution_id, text: serializeRecord(record), final });
      return store.save(record);
    },
  });
  const exporter = new ExecutionRecordExporter({ store: recording });
  const t0 = performance.now();
  for (let n = 0; n < runs.length; n += WAVE) {
    const batch = runs.slice(n, n + WAVE);
    for (const spans of batch) for (const s of spans) exporter.export([s], () => {});
    const ids = batch.map((spans) => spans[0]!.attributes[ATTR_EXECUTION_ID] as string);
    const outcomes = await Promise.all(ids.map((id) => exporter.assembler.whenSaved(id, 60_000)));
    if (outcomes.some((o) => o !== 'saved')) throw new Error(`unsaved: ${outcomes.join(',')}`);
    written.push(wave);
    wave = [];
  }
  const seconds = (performance.now() - t0) / 1000;
  await exporter.shutdown();
  await store.close();
  await discardDir(dir);
  return { perSecond: runs.length / seconds, written };
}

/** The floor: the very texts the record path wrote, through the same writer, wave by wave. */
async function floor(written: Written[][], runs: number, fsync: boolean) {
  const dir = await benchDir('floor-');
  let temp = 0;
  const files = await JournalledRecordFiles.open({
    directory: dir,
    fsync,
    isDeleted: () => false,
    tempName: (id) => `.tmp-floor-${(temp += 1)}-${id}`,
    warn: () => {},
  });
  const t0 = performance.now();
  for (const wave of written) {
    // Per run in order (the writer chains each id's saves), runs side by side.
    await Promise.all(wave.map((w) => files.save(w.id, w.text, w.final)));
  }
  const seconds = (performance.now() - t0) / 1000;
  await files.close();
  await discardDir(dir);
  return runs / seconds;
}

/** Answer latency of the execute route on a real server process. */
async function answerLatency(env: Record<string, string>, connections: number) {
  const dir = await benchDir('answer-');
  const port = await freePort();
  const proc = await startProcess('server', process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PORT: String(port),
      EXECUTIONS_DIR: join(dir, 'executions'),
      MEDIA_DIR: join(dir, 'media'),
      OTEL_TRACES_EXPORTER: 'none',
      LOG_LEVEL: 'warn',
      UV_THREADPOOL_SIZE: '16',
      ...env,
    },
    ready: () => answers(`http://127.0.0.1:${port}/health`),
  });
  const url = `http://127.0.0.1:${port}/api/schema/pipeline/execute`;
  try {
    await autocannon(url, 1, connections); // warm-up
    return await autocannon(url, LOAD_SECONDS, connections);
  } finally {
    await proc.stop();
    await discardDir(dir);
  }
}

export async function benchDurability(): Promise<Figure[]> {
  const runs = await capturedRuns(RUNS);
  const figures: Figure[] = [];
  for (const fsync of [true, false]) {
    const path = await recordPath(runs, fsync);
    const files = path.written.reduce((n, w) => n + w.length, 0);
    const base = await floor(path.written, runs.length, fsync);
    const ratio = path.perSecond / base;
    const label = fsync ? 'fsync on' : 'fsync off';
    figures.push(
      {
        name: `${label}: records/s, record path (${runs.length} runs, ${fmt(files / runs.length, 1)} saves a run)`,
        value: fmt(path.perSecond, 0),
      },
      { name: `${label}: records/s, floor (same bytes, same writer)`, value: fmt(base, 0) },
      {
        name: `${label}: record path / floor`,
        value: fmt(ratio),
        target: '≥ 0.9',
        met: ratio >= 0.9,
      },
    );
  }
  const settings: { label: string; env: Record<string, string> }[] = [
    { label: 'fsync on', env: { RECORD_FSYNC: 'on' } },
    { label: 'fsync off', env: { RECORD_FSYNC: 'off' } },
    // The answer hardly waits for the save: what the route cost before it waited.
    {
      label: 'not waiting (1 ms wait, fsync off)',
      env: { RECORD_FSYNC: 'off', RECORD_SAVE_WAIT_MS: '1' },
    },
  ];
  for (const connections of [1, 32]) {
    for (const s of settings) {
      const r = await answerLatency(s.env, connections);
      figures.push({
        name: `answer ${s.label}, ${connections} client(s): p50 / p99, req/s`,
        value: `${fmt(r.p50, 1)} / ${fmt(r.p99, 1)} ms, ${fmt(r.rps, 0)}/s${r.errors ? `, ${r.errors} errors` : ''}`,
      });
    }
  }
  return report('Durable saves (Stille Post runs; dada runs over HTTP)', figures);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await benchDurability();
