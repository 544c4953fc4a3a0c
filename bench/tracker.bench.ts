// Tracker and record path figures: log-call latency, per-run in-process cost, records/s.
import { rm, writeFile } from 'node:fs/promises';

import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { serializeRecord } from '../src/domain/record-codec.js';
import { FileRecordStore } from '../src/store/file-record-store.js';
import { createTracing } from '../src/telemetry/tracing.js';
import { startOtlpSink } from './otlp-sink.js';
import { benchDir, fmt, percentile, report, type Figure } from './stats.js';
import { stillePostRun } from './stille-post-run.js';

const RUNS = Number(process.env.BENCH_RECORD_RUNS ?? 20_000);

async function withTracing<T>(
  fn: (t: ReturnType<typeof createTracing>, store: FileRecordStore, dir: string) => Promise<T>,
): Promise<T> {
  const dir = await benchDir('tracker-');
  const sink = await startOtlpSink();
  const store = await FileRecordStore.open(dir);
  const tracing = createTracing({
    store,
    otlp: { url: sink.url, maxQueueSize: 100_000, scheduledDelayMillis: 200 },
  });
  try {
    return await fn(tracing, store, dir);
  } finally {
    await tracing.shutdown();
    await sink.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchTracker(): Promise<Figure[]> {
  // 1. One log call, SDK work included (span event + attributes), both paths on.
  const calls = await withTracing(async (tracing) => {
    const times: number[] = [];
    for (let run = 0; run < 3_000; run++) {
      const t = tracing.startRun({ configName: 'stillepost' });
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
      if (run % 200 === 0) await tracing.forceFlush();
    }
    return times.slice(1_000); // after warm-up
  });

  // 2. In-process cost of a whole traced 13-item run (tracker + SDK + record path hand-off).
  const perRun = await withTracing(async (tracing) => {
    const times: number[] = [];
    for (let n = 0; n < 3_000; n++) {
      const t0 = performance.now();
      await stillePostRun(tracing.startRun({ configName: 'stillepost' }));
      times.push((performance.now() - t0) * 1000);
      if (n % 200 === 0) await tracing.forceFlush();
    }
    return times.slice(500);
  });

  // 3. Records assembled and persisted per second, both paths on, OTLP to a live local receiver.
  const { recordsPerSecond, records } = await withTracing(async (tracing, store) => {
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
    const page = await store.list({ limit: 100 });
    if (page.total !== RUNS) console.log(tracing.recordExporter.stats());
    if (page.total !== RUNS) throw new Error(`expected ${RUNS} records, store has ${page.total}`);
    const sample = await Promise.all(page.records.map((r) => store.get(r.execution_id)));
    return { recordsPerSecond: RUNS / seconds, records: sample.filter((r) => r !== null) };
  });

  // Baseline: the same records, JSON.stringify + writeFile, nothing else.
  const dir = await benchDir('baseline-');
  const t0 = performance.now();
  for (let n = 0; n < RUNS; n += 200) {
    await Promise.all(
      Array.from({ length: 200 }, (_, k) => {
        const r = records[(n + k) % records.length]!;
        return writeFile(join(dir, `${n + k}.json`), JSON.stringify(r, null, 2));
      }),
    );
  }
  const baseline = RUNS / ((performance.now() - t0) / 1000);
  await rm(dir, { recursive: true, force: true });
  const sizes = records.map((r) => serializeRecord(r).length);

  const p99 = percentile(calls, 99);
  return report('Tracker and record path', [
    { name: 'log call p50 (µs)', value: fmt(percentile(calls, 50)) },
    { name: 'log call p99 (µs)', value: fmt(p99), target: '≤ 10 µs', met: p99 <= 10 },
    { name: 'traced 13-item run, in-process cost p50 (µs)', value: fmt(percentile(perRun, 50), 1) },
    { name: 'traced 13-item run, in-process cost p99 (µs)', value: fmt(percentile(perRun, 99), 1) },
    {
      name: `records/s, 13-item Stille Post (${RUNS} runs, both paths)`,
      value: fmt(recordsPerSecond, 0),
      target: '≥ 10,000/s',
      met: recordsPerSecond >= 10_000,
    },
    { name: 'baseline JSON.stringify + writeFile records/s', value: fmt(baseline, 0) },
    { name: 'records/s ratio to baseline', value: fmt(recordsPerSecond / baseline) },
    { name: 'record size (bytes)', value: String(sizes[0]) },
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await benchTracker();
