// Runs every benchmark, each in its own process (no JIT or heap state carried from one to the
// next), prints the figures and writes BENCHMARKS.md with the machine and date.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../src/telemetry/tracker/package-root.js';
import { BENCH_DIR, type Figure } from './stats.js';

const ROOT = PACKAGE_ROOT;
const BENCHES = [
  { title: 'Tracker and record path', file: 'bench/tracker.bench.ts', flags: [] as string[] },
  { title: 'The record path beside the seed', file: 'bench/seed-compare.bench.ts', flags: [] },
  // Its servers run in processes of their own as `npm start` and the image run them (libuv's
  // pool of 16 threads, a young generation of up to 2 × 32 MB).
  { title: 'Server under load', file: 'bench/server-load.bench.ts', flags: [] },
  { title: 'Durable saves', file: 'bench/durability.bench.ts', flags: [] },
  { title: 'Heap', file: 'bench/heap.bench.ts', flags: ['--expose-gc'] },
  { title: 'Store', file: 'bench/store.bench.ts', flags: [] },
  { title: 'PostgreSQL store', file: 'bench/postgres-store.bench.ts', flags: [] },
  { title: 'Search', file: 'bench/search.bench.ts', flags: [] },
  { title: 'Thumbnails', file: 'bench/thumbnails.bench.ts', flags: [] },
  { title: 'Study overview', file: 'bench/stats.bench.ts', flags: [] },
  { title: 'Research bundle', file: 'bench/research-bundle.bench.ts', flags: [] },
  { title: 'OTLP ingest', file: 'bench/ingest.bench.ts', flags: [] },
  { title: 'Safety lists', file: 'bench/safety-filter.bench.ts', flags: [] },
  { title: 'Python client', file: 'bench/python-tracker.bench.ts', flags: [] },
  { title: 'OTLP ingest flood', file: 'bench/ingest-flood.bench.ts', flags: ['--expose-gc'] },
];

/**
 * The bench's command: its compiled file beside this one when this runs compiled (`npm run
 * bench` builds them first, so the figures are of the code the image and the package run),
 * else the TypeScript source through tsx.
 */
function command(file: string): string[] {
  if (!import.meta.url.endsWith('.js')) return ['--import', 'tsx', file];
  return [join(dirname(fileURLToPath(import.meta.url)), basename(file).replace(/\.ts$/, '.js'))];
}

function run(file: string, flags: string[]): Figure[] {
  const child = spawnSync(process.execPath, [...flags, ...command(file)], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_FIGURES_JSON: '1', BENCH_KEEP_DISCARDED: '1' },
  });
  const lines = child.stdout.split('\n');
  process.stdout.write(`${lines.filter((l) => !l.startsWith('FIGURES ')).join('\n')}\n`);
  const json = lines.find((l) => l.startsWith('FIGURES '));
  return json
    ? (JSON.parse(json.slice(8)) as Figure[])
    : [{ name: `${file} failed`, value: `exit ${child.status}` }];
}

const table = (figures: Figure[]) =>
  [
    '| figure | value | target |',
    '|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${f.name.trim()} | ${f.value} | ${f.target ? `${f.target}: ${f.met ? 'met' : '**missed**'}` : ''} |`,
    ),
  ].join('\n');

const sections = BENCHES.map((b) => ({
  title: b.title,
  figures: run(b.file, b.flags),
}));
rmSync(BENCH_DIR, { recursive: true, force: true });

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
const body = [
  '# Benchmarks',
  '',
  `Latest \`npm run bench\`: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}.`,
  'Figures are printed by the scripts under `bench/`, each run in its own process; comparisons are ratios measured in the same run.',
  '',
  ...sections.flatMap((s) => [`## ${s.title}`, '', table(s.figures), '']),
  readFileSync(join(ROOT, 'bench/NOTES.md'), 'utf8'),
].join('\n');
writeFileSync(join(ROOT, 'BENCHMARKS.md'), `${body}\n`);
console.log('\nwrote BENCHMARKS.md');
