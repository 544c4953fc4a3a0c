// Tracker and record path: log-call latency, in-process cost of a traced run vs the same run
// untraced, records assembled and persisted per second (both paths on, OTLP to a live local
// receiver in another process), the record path alone, and a plain write baseline.
import { trace } from '@opentelemetry/api';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { serializeRecord } from '../src/domain/record-codec.js';
import { FileRecordStore } from '../src/store/file-record-store.js';
import { MemoryRecordStore } from '../src/store/memory-record-store.js';
import { ExecutionRecordExporter } from '../src/telemetry/record/execution-record-exporter.js';
import { ExecutionTracker } from '../src/telemetry/tracker/execution-tracker.js';
import { spansToRecord } from '../src/telemetry/record/span-to-record.js';
import { createTracing, ensureContextManager } from '../src/telemetry/tracing.js';
import { startChild } from './child-servers.js';
import { discardingTracer, rawStillePostRun } from './raw-sdk-run.js';
import { benchDir, discardDir, fmt, percentile, report, type Figure } from './stats.js';
import { capturedRuns, stillePostRun } from './stille-post-run.js';

const RUNS = Number(process.env.BENCH_RECORD_RUNS ?? 20_000);

async function withTracing<T>(
  fn: (t: ReturnType<typeof createTracing>, store: FileRecordStore) => Promise<T>,
): Promise<T> {
  const dir = await benchDir('tracker-');
  const sink = await startChild('sink');
  const store = await FileRecordStore.open(dir);
  const tracing = createTracing({
    store,
    otlp: { url: sink.url, maxQueueSize: 100_000, scheduledDelayMillis: 200 },
  });
  try {
    return await fn(tracing, store);
  } finally {
    await tracing.shutdown();
    await store.close();
    sink.stop();
    await discardDir(dir);
  }
}

/** Runs of 8 log calls each: the first third lets the JIT settle, the rest is steady state. */
const RUNS_FOR_CALLS = 12_000;

/** Log-call times over runs that `start` begins and `flush` settles every 100 runs. */
async function timeLogCalls(
  start: () => ExecutionTracker,
  flush: () => Promise<unknown>,
): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < RUNS_FOR_CALLS; run++) {
    const t = start();
    t.setStage(2);
    for (let i = 1; i <= 8; i++) {
      t.setStageIteration(i);
      const t0 = process.hrtime.bigint();
      t.logInterceptionIteration('A flower in the meadow', {
        iteration: i,
        fromLang: 'en',
        toLang: 'fr',
        model: 'm',
        backend: 'offline',
      });
      times.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    t.complete();
    // Yield between runs, as a server does between requests (a loop that never yields piles
    // up the exporters' promise reactions and measures the heap pressure of that instead).
    await new Promise((resolve) => setImmediate(resolve));
    if (run % 100 === 0) await flush();
  }
  return times;
}

/** Log calls with both paths on (record path to a file store, OTLP to a live receiver). */
export function logCalls(): Promise<number[]> {
  return withTracing((tracing) =>
    timeLogCalls(
      () => tracing.startRun({ configName: 'stillepost' }),
      () => tracing.forceFlush(),
    ),
  );
}

/** Log calls of the tracker alone: a provider whose exporter discards (no record path). */
export function trackerLogCalls(): Promise<number[]> {
  const tracer = discardingTracer();
  return timeLogCalls(
    () => ExecutionTracker.start({ tracer, configName: 'stillepost' }),
    async () => {},
  );
}

/** The machine's own noise: a ~1 µs busy loop timed like a log call. */
function noiseFloor(): number[] {
  const times: number[] = [];
  let x = 0;
  for (let i = 0; i < 24_000; i++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < 300; k++) x += Math.sqrt(k + i);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  if (x < 0) throw new Error('unreachable');
  return times.slice(8_000);
}

/**
 * One run's time, 3,000 runs after 1,000 of warm-up. `between` is what happens between two
 * runs, untimed: a turn of the event loop, as a server's requests give the exporters (the
 * default), or nothing (`back to back`: the spans and saves of up to 100 runs wait for the
 * flush every 100 runs, which is what a caller that never yields costs).
 */
async function perRun(
  start: () => ExecutionTracker,
  flush: () => Promise<void>,
  between: 'a turn' | 'back to back' = 'a turn',
): Promise<number[]> {
  const times: number[] = [];
  for (let n = 0; n < 4_000; n++) {
    const t0 = performance.now();
    await stillePostRun(start());
    times.push((performance.now() - t0) * 1000);
    if (between === 'a turn') await new Promise((resolve) => setImmediate(resolve));
    if (n % 100 === 0) await flush();
  }
  return times.slice(1_000);
}

/**
 * The in-process cost of one run, four ways, interleaved in rounds so the machine's drift hits
 * each alike: the raw SDK emitting the same spans and events, the tracker on a provider whose
 * exporter discards, the tracker with the record path on a no-op store, and no tracing at all.
 */
export async function inProcessCost(): Promise<Record<string, number[]>> {
  const raw = discardingTracer();
  const discarding = discardingTracer();
  const noopStore = Object.assign(new MemoryRecordStore(), { save: async () => {} });
  const recordPath = createTracing({ store: noopStore });
  const noop = trace.getTracer('untraced');
  const variants: Record<string, () => Promise<void>> = {
    raw: () => rawStillePostRun(raw),
    tracker: () => stillePostRun(ExecutionTracker.start({ tracer: discarding, configName: 'x' })),
    recordPath: () => stillePostRun(recordPath.startRun({ configName: 'stillepost' })),
    untraced: () => stillePostRun(ExecutionTracker.start({ tracer: noop, configName: 'x' })),
  };
  const times: Record<string, number[]> = {};
  for (let round = 0; round < 6; round++) {
    for (const [name, runOnce] of Object.entries(variants)) {
      const list = (times[name] ??= []);
      for (let n = 0; n < 500; n++) {
        const t0 = performance.now();
        await runOnce();
        if (round > 0) list.push((performance.now() - t0) * 1000);
        if (n % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
  await recordPath.shutdown();
  return times;
}

export async function benchTracker(): Promise<Figure[]> {
  ensureContextManager();
  const cost = await inProcessCost();
  const trackerCalls = (await trackerLogCalls()).slice((RUNS_FOR_CALLS * 8) / 3);
  const allCalls = await logCalls();
  const warmUp = allCalls.slice(0, allCalls.length / 3);
  const calls = allCalls.slice(allCalls.length / 3);
  const noise = noiseFloor();
  const traced = await withTracing((tracing) =>
    perRun(
      () => tracing.startRun({ configName: 'stillepost' }),
      () => tracing.forceFlush(),
    ),
  );
  const backToBack = await withTracing((tracing) =>
    perRun(
      () => tracing.startRun({ configName: 'stillepost' }),
      () => tracing.forceFlush(),
      'back to back',
    ),
  );
  const noop = trace.getTracer('untraced');
  const untraced = await perRun(
    () => ExecutionTracker.start({ tracer: noop, configName: 'stillepost' }),
    async () => {},
  );

  // End to end: runs as fast as they come, both paths on, until every record is on disk.
  const endToEnd = await withTracing(async (tracing, store) => {
    const t0 = performance.now();
    for (let n = 0; n < RUNS; n += 200) {
      await Promise.all(
        Array.from({ length: 200 }, () =>
          stillePostRun(tracing.startRun({ configName: 'stillepost' })),
        ),
      );
    }
    await tracing.recordExporter.forceFlush();
    const seconds = (performance.now() - t0) / 1000;
    const saved = (await store.stats()).records;
    if (saved !== RUNS) throw new Error(`expected ${RUNS} records, the store has ${saved}`);
    return RUNS / seconds;
  });

  // The record path alone: finished spans in, records on disk out.
  const runs = await capturedRuns(5_000);
  const records = runs.map((g) => spansToRecord(g));
  let t0 = performance.now();
  for (const g of runs) spansToRecord(g);
  const assembleUs = ((performance.now() - t0) * 1000) / runs.length;
  t0 = performance.now();
  for (const r of records) serializeRecord(r);
  const serializeUs = ((performance.now() - t0) * 1000) / records.length;
  const dir = await benchDir('recordpath-');
  const pathStore = await FileRecordStore.open(join(dir, 'store'));
  const exporter = new ExecutionRecordExporter({ store: pathStore });
  t0 = performance.now();
  for (const g of runs) for (const s of g) exporter.export([s], () => {});
  await exporter.forceFlush();
  const recordPath = runs.length / ((performance.now() - t0) / 1000);
  await exporter.shutdown();
  await pathStore.close();

  // Baseline: the same records, JSON.stringify + writeFile, nothing else.
  t0 = performance.now();
  for (let n = 0; n < records.length; n += 32) {
    await Promise.all(
      records
        .slice(n, n + 32)
        .map((r, k) => writeFile(join(dir, `${n + k}.json`), JSON.stringify(r, null, 2))),
    );
  }
  const baseline = records.length / ((performance.now() - t0) / 1000);
  await discardDir(dir);

  const p99 = percentile(calls, 99);
  const tracedP50 = percentile(traced, 50);
  const untracedP50 = percentile(untraced, 50);
  const p50 = (name: string) => percentile(cost[name]!, 50);
  const p50p99 = (name: string) =>
    `${fmt(p50(name), 0)} / ${fmt(percentile(cost[name]!, 99), 0)} µs`;
  const trackerRatio = p50('tracker') / p50('raw');
  return report('Tracker and record path (13-item Stille Post run, 12 spans)', [
    {
      name: 'raw OTel SDK, same spans + events, simple processor, discarding exporter: p50 / p99',
      value: p50p99('raw'),
    },
    {
      name: 'tracker, same provider setup (discarding exporter): p50 / p99',
      value: p50p99('tracker'),
    },
    {
      name: 'tracker / raw SDK (p50)',
      value: `×${fmt(trackerRatio)}`,
      target: '≤ ×2',
      met: trackerRatio <= 2,
    },
    {
      name: 'tracker + record path on a no-op store (checkpoint a stage): p50 / p99',
      value: `${p50p99('recordPath')}, ×${fmt(p50('recordPath') / p50('raw'))} raw`,
    },
    {
      name: 'the same run untraced (no-op tracer): p50 / p99',
      value: p50p99('untraced'),
    },
    {
      name: 'log call p50 / p99, tracker alone (discarding exporter, steady state)',
      value: `${fmt(percentile(trackerCalls, 50))} / ${fmt(percentile(trackerCalls, 99))} µs`,
      target: 'p99 ≤ 5 µs',
      met: percentile(trackerCalls, 99) <= 5,
    },
    {
      name: 'log call p50, both paths (steady state: the last 64,000 of 96,000 calls)',
      value: `${fmt(percentile(calls, 50))} µs`,
    },
    {
      name: 'log call p99, both paths (steady state; record path checkpoints every stage end)',
      value: `${fmt(p99)} µs`,
    },
    {
      name: 'log call p50 / p99 over the first 32,000 calls (JIT warm-up)',
      value: `${fmt(percentile(warmUp, 50))} / ${fmt(percentile(warmUp, 99))} µs`,
    },
    {
      name: 'noise floor: a 1 µs busy loop timed the same way, p50 / p99',
      value: `${fmt(percentile(noise, 50))} / ${fmt(percentile(noise, 99))} µs`,
    },
    {
      name: 'run in-process, traced (both paths), a turn between runs: p50 / p99',
      value: `${fmt(tracedP50, 0)} / ${fmt(percentile(traced, 99), 0)} µs`,
      target: 'p99 ≤ 1 ms',
      met: percentile(traced, 99) <= 1_000,
    },
    {
      name: 'run in-process, traced, 100 runs back to back between flushes: p50 / p99',
      value: `${fmt(percentile(backToBack, 50), 0)} / ${fmt(percentile(backToBack, 99), 0)} µs`,
    },
    {
      name: 'run in-process, untraced (no-op tracer), a turn between runs: p50 / p99',
      value: `${fmt(untracedP50, 0)} / ${fmt(percentile(untraced, 99), 0)} µs`,
    },
    {
      name: 'tracing cost of one run (p50 difference), ratio',
      value: `${fmt(tracedP50 - untracedP50, 0)} µs, ×${fmt(tracedP50 / untracedP50, 1)}`,
    },
    {
      name: `records/s end to end (${RUNS.toLocaleString('en')} runs, both paths)`,
      value: fmt(endToEnd, 0),
      target: '≥ 10,000/s',
      met: endToEnd >= 10_000,
    },
    { name: 'records/s, record path alone (spans in, files out)', value: fmt(recordPath, 0) },
    {
      name: '  of which assemble + validate, serialize (µs a record)',
      value: `${fmt(assembleUs, 1)} + ${fmt(serializeUs, 1)}`,
    },
    { name: 'baseline JSON.stringify + writeFile records/s', value: fmt(baseline, 0) },
    { name: 'record path / baseline', value: fmt(recordPath / baseline) },
    { name: 'record size', value: `${serializeRecord(records[0]!).length} bytes` },
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await benchTracker();
