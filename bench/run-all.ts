// Runs every benchmark, prints the figures and writes BENCHMARKS.md with the machine and date.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchServerLoad } from './server-load.bench.js';
import { BENCH_DIR, type Figure } from './stats.js';
import { benchStore } from './store.bench.js';
import { benchTracker } from './tracker.bench.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const sections: { title: string; figures: Figure[] }[] = [];
const table = (figures: Figure[]) =>
  [
    '| figure | value | target |',
    '|---|---|---|',
    ...figures.map(
      (f) =>
        `| ${f.name.trim()} | ${f.value} | ${f.target ? `${f.target}: ${f.met ? 'met' : '**missed**'}` : ''} |`,
    ),
  ].join('\n');

sections.push({ title: 'Tracker and record path', figures: await benchTracker() });
sections.push({ title: 'Server under load', figures: await benchServerLoad() });
// The heap benchmark needs --expose-gc: its own process.
const heap = spawnSync(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', 'bench/heap.bench.ts'],
  {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_FIGURES_JSON: '1' },
  },
);
const heapLine = heap.stdout.split('\n').find((l) => l.startsWith('FIGURES '));
process.stdout.write(
  heap.stdout
    .split('\n')
    .filter((l) => !l.startsWith('FIGURES '))
    .join('\n'),
);
const heapFigures: Figure[] = heapLine
  ? (JSON.parse(heapLine.slice(8)) as Figure[])
  : [{ name: 'heap benchmark failed', value: `exit ${heap.status}` }];
sections.push({ title: 'Heap', figures: heapFigures });
sections.push({ title: 'Store', figures: await benchStore() });
rmSync(BENCH_DIR, { recursive: true, force: true });

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
const body = [
  '# Benchmarks',
  '',
  `Latest \`npm run bench\`: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}.`,
  'Figures are printed by the scripts under `bench/`; comparisons are ratios measured in the same run.',
  '',
  ...sections.flatMap((s) => [`## ${s.title}`, '', table(s.figures), '']),
  readFileSync(new URL('./NOTES.md', import.meta.url), 'utf8'),
].join('\n');
writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), `${body}\n`);
console.log('\nwrote BENCHMARKS.md');
