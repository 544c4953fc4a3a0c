// Store figures: opening a 100,000-record store, and a filtered page over it (p95 ≤ 50 ms).
import { writeFile } from 'node:fs/promises';

import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { ExecutionRecord, RecordStatus } from '../src/domain/execution-record.js';
import { ExecutionIdGenerator } from '../src/domain/execution-id.js';
import { parseRecord, serializeRecord } from '../src/domain/record-codec.js';
import { formatMicros } from '../src/domain/timestamp.js';
import { FileRecordStore } from '../src/store/file-record-store.js';
import { indexEntry, RecordIndex } from '../src/store/record-index.js';
import { benchDir, discardDir, fmt, percentile, report, type Figure } from './stats.js';
import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT } from '../src/telemetry/tracker/package-root.js';

const RECORDS = Number(process.env.BENCH_STORE_RECORDS ?? 100_000);
const QUERIES = 200;

export async function benchStore(): Promise<Figure[]> {
  const dir = await benchDir('store-');
  try {
    const template = parseRecord(
      readFileSync(
        join(PACKAGE_ROOT, 'test/fixtures/legacy-records/exec_20261124_025132_9a0560bf.json'),
        'utf8',
      ),
      'template',
    ).record;
    const ids = new ExecutionIdGenerator(1);
    const configs = ['dada', 'stillepost', 'bauhaus', 'passthrough', 'image_comparison'];
    const levels = ['kids', 'youth', 'adult', 'research'];
    const statuses: RecordStatus[] = ['completed', 'completed', 'completed', 'blocked', 'failed'];
    const start = Date.UTC(2026, 0, 1);
    for (let n = 0; n < RECORDS; n += 1000) {
      await Promise.all(
        Array.from({ length: Math.min(1000, RECORDS - n) }, (_, k) => {
          const i = n + k;
          const at = start + i * 60_000;
          const record = {
            ...template,
            execution_id: ids.next(new Date(at)),
            timestamp: formatMicros(at * 1000),
            config_name: configs[i % configs.length]!,
            safety_level: levels[i % levels.length]!,
            status: statuses[Math.floor(i / 7) % statuses.length]!,
            user_id: `user${i % 500}`,
            session_id: `session${i % 2000}`,
          };
          return writeFile(join(dir, `${record.execution_id}.json`), serializeRecord(record));
        }),
      );
    }
    const t0 = performance.now();
    const store = await FileRecordStore.open(dir);
    const openMs = performance.now() - t0;
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;

    const times: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const t = performance.now();
      const page = await store.list({
        configName: configs[q % configs.length],
        safetyLevel: q % 2 ? 'kids' : undefined,
        status: q % 3 ? 'completed' : undefined,
        sinceMillis: start + (q % 10) * 86_400_000,
        untilMillis: start + 60 * 86_400_000,
        limit: 50,
        offset: (q % 5) * 50,
      });
      times.push(performance.now() - t);
      if (page.total === 0) throw new Error('benchmark query matched nothing');
    }
    const p95 = percentile(times, 95);
    const saves = indexSaves(template, RECORDS);
    return report(`Store (${RECORDS.toLocaleString('en')} records)`, [
      { name: 'open (scan and index every file)', value: `${fmt(openMs / 1000)} s` },
      { name: 'heap after open', value: `${fmt(heapMb, 0)} MB` },
      { name: 'filtered list page, p50', value: `${fmt(percentile(times, 50))} ms` },
      {
        name: 'filtered list page, p95',
        value: `${fmt(p95)} ms`,
        target: '≤ 50 ms',
        met: p95 <= 50,
      },
      {
        name: "index: a new run's six saves (five checkpoints, final)",
        value: `${fmt(saves)} µs`,
      },
    ]);
  } finally {
    await discardDir(dir);
  }
}

/**
 * The in-memory index's share of a run's saves with `size` runs in it: 2,000 new runs (the
 * newest), each put five times incomplete and once final, as the record path puts them.
 * Microseconds a run.
 */
function indexSaves(template: ExecutionRecord, size: number): number {
  const index = new RecordIndex();
  const start = Date.UTC(2026, 0, 1);
  const at = (i: number) => formatMicros((start + i * 60_000) * 1000);
  const entry = (i: number, status: RecordStatus) =>
    indexEntry({ ...template, execution_id: `exec_${i}`, timestamp: at(i), status }, 1000);
  index.putMany(Array.from({ length: size }, (_, i) => entry(i, 'completed')));
  const runs = 2000;
  const states = Array.from({ length: runs }, (_, r) => [
    ...Array.from({ length: 5 }, () => entry(size + r, 'incomplete')),
    entry(size + r, 'completed'),
  ]);
  const t0 = performance.now();
  for (const run of states) for (const e of run) index.put(e);
  return ((performance.now() - t0) / runs) * 1000;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await benchStore();
