// Research bundle export (records.jsonl, CSV, Parquet, manifest) of 10,000 / 30,000 / 100,000
// records: time and peak memory, each count in its own process so peaks do not carry over.
// The store makes records on demand, so what grows (or not) is the export's own memory.
import { spawnSync } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { exportBundleCommand } from '../src/cli/export-bundle-command.js';
import { SyntheticRecordStore } from './synthetic-record-store.js';
import { benchDir, discardDir, fmt, report, type Figure } from './stats.js';

const COUNTS = (process.env.BENCH_BUNDLE_COUNTS ?? '10000,30000,100000').split(',').map(Number);

async function child(count: number): Promise<void> {
  const root = await benchDir('bundle-');
  const dir = join(root, 'bundle');
  let peakHeap = 0;
  const sampler = setInterval(
    () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)),
    20,
  );
  const started = performance.now();
  const sink = new PassThrough();
  sink.resume();
  const code = await exportBundleCommand(
    new SyntheticRecordStore(count),
    { dir, query: {} },
    { stderr: sink },
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  let bytes = 0;
  for (const name of await readdir(dir)) bytes += (await stat(join(dir, name))).size;
  await discardDir(root);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `RESULT ${JSON.stringify({ count, code, seconds, peakRssMb, peakHeapMb: peakHeap / 2 ** 20, bundleMb: bytes / 2 ** 20 })}`,
  );
}

async function main(): Promise<void> {
  const results: {
    count: number;
    seconds: number;
    peakRssMb: number;
    peakHeapMb: number;
    bundleMb: number;
    code: number;
  }[] = [];
  for (const count of COUNTS) {
    const out = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(count)],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`child for ${count} failed (exit ${out.status})`);
    results.push(JSON.parse(line.slice(7)));
  }
  const figures: Figure[] = results.flatMap((r) => [
    {
      name: `bundle of ${r.count.toLocaleString('en')} records: time`,
      value: `${fmt(r.seconds, 1)} s (${fmt(r.count / r.seconds, 0)} records/s)`,
    },
    {
      name: `bundle of ${r.count.toLocaleString('en')} records: peak RSS / peak JS heap`,
      value: `${fmt(r.peakRssMb, 0)} MB / ${fmt(r.peakHeapMb, 0)} MB`,
    },
    {
      name: `bundle of ${r.count.toLocaleString('en')} records: bundle size`,
      value: `${fmt(r.bundleMb, 0)} MB`,
    },
  ]);
  const first = results[0]!;
  const last = results.at(-1)!;
  const heapGrowth = last.peakHeapMb / first.peakHeapMb;
  figures.push({
    name: `peak JS heap at ${last.count.toLocaleString('en')} vs ${first.count.toLocaleString('en')} records`,
    value: `x${fmt(heapGrowth, 2)}`,
    target: 'flat (< x1.25)',
    met: heapGrowth < 1.25,
  });
  const mid = results.at(-2);
  if (mid && mid !== first) {
    // RSS also holds DuckDB's buffer pool, which fills up to its memory limit (128 MB) on the
    // first tens of thousands of rows and then stays there: flat beyond that point.
    const rssGrowth = last.peakRssMb / mid.peakRssMb;
    figures.push({
      name: `peak RSS at ${last.count.toLocaleString('en')} vs ${mid.count.toLocaleString('en')} records`,
      value: `x${fmt(rssGrowth, 2)} (${fmt(last.peakRssMb - mid.peakRssMb, 0)} MB more for ${fmt(last.count / mid.count, 1)}x the records)`,
      target: 'flat (< x1.25)',
      met: rssGrowth < 1.25,
    });
  }
  report('Research bundle export', figures);
}

if (process.argv[2] === '--child') await child(Number(process.argv[3]));
else await main();
