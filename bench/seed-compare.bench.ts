// The record path beside the earlier server's tracker (the seed), in the same run: N Stille Post
// runs in sequence each side, in interleaved rounds. Ours: the library path (createTracing on a
// FileRecordStore with fsync on; records/s counts until every record is on disk). The seed:
// bench/seed-tracker.py in its own Python process (one JSON file per run, no fsync). Without the
// seed (CI has no ../shared) the bench says so and reports our side alone.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { FileRecordStore } from '../src/store/file-record-store.js';
import { createTracing } from '../src/telemetry/tracing.js';
import { benchDir, discardDir, fmt, median, report, type Figure } from './stats.js';
import { stillePostRun } from './stille-post-run.js';
import { PACKAGE_ROOT } from '../src/telemetry/tracker/package-root.js';

const ROOT = PACKAGE_ROOT;
const RUNS = Number(process.env.BENCH_SEED_RUNS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_SEED_ROUNDS ?? 3);

/** One side's round: records/s, and CPU time (user + system, the whole process) a record. */
interface Round {
  perSecond: number;
  cpuMicros: number;
}

/** A round of the seed for `runs` runs, or null when the seed (or Python) is not there. */
async function seedRound(runs: number): Promise<Round | null> {
  const dir = await benchDir('seed-');
  try {
    const python = process.env.BENCH_PYTHON ?? 'python3';
    const child = spawnSync(python, ['bench/seed-tracker.py', String(runs), dir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (child.status !== 0 || child.error) return null;
    const answer = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
      found: boolean;
      records_per_s?: number;
      cpu_us_per_record?: number;
    };
    return answer.found
      ? { perSecond: answer.records_per_s!, cpuMicros: answer.cpu_us_per_record! }
      : null;
  } finally {
    await discardDir(dir);
  }
}

/** A round of the library path: `runs` runs in sequence, fsync on, until all are on disk. */
export async function oursRound(runs: number, fsync = true): Promise<Round> {
  const dir = await benchDir('ours-');
  const store = await FileRecordStore.open(dir, { fsync });
  const tracing = createTracing({ store });
  try {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let n = 0; n < runs; n++)
      await stillePostRun(tracing.startRun({ configName: 'stillepost' }));
    await tracing.recordExporter.forceFlush();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const saved = (await store.stats()).records;
    if (saved !== runs) throw new Error(`expected ${runs} records, the store has ${saved}`);
    return { perSecond: runs / seconds, cpuMicros: (cpu.user + cpu.system) / runs };
  } finally {
    await tracing.shutdown();
    await store.close();
    await discardDir(dir);
  }
}

/**
 * µs of one file create (8 KiB, no fsync) in a fresh bench directory, timed now: both sides pay
 * one a record, and it varies with what the file system freed lately (bench/NOTES.md).
 */
async function createMicros(files = 500): Promise<number> {
  const dir = await benchDir('creates-');
  const bytes = Buffer.alloc(8192, 120);
  const t0 = performance.now();
  for (let i = 0; i < files; i++) writeFileSync(join(dir, `f${i}`), bytes, { flag: 'wx' });
  const micros = ((performance.now() - t0) * 1000) / files;
  await discardDir(dir);
  return micros;
}

export async function benchSeedCompare(): Promise<Figure[]> {
  // JIT warm-up: a round of the same size (rounds after 300 runs of warm-up still sped up by
  // a fifth, one after the other).
  await oursRound(RUNS);
  const ours: Round[] = [];
  const seed: Round[] = [];
  const creates: number[] = [];
  let seedFound = true;
  for (let round = 0; round < ROUNDS; round++) {
    creates.push(await createMicros());
    if (seedFound) {
      const s = await seedRound(RUNS);
      if (s === null) seedFound = false;
      else seed.push(s);
    }
    ours.push(await oursRound(RUNS));
  }
  const rounds = (xs: number[]) => xs.map((x) => fmt(x, 0)).join(', ');
  const perSecond = (rs: Round[]) => rs.map((r) => r.perSecond);
  const cpu = (rs: Round[]) => rs.map((r) => r.cpuMicros);
  const figures: Figure[] = [
    {
      name: `library path, fsync on: records/s (${RUNS.toLocaleString('en')} Stille Post runs in sequence, median of ${ROUNDS})`,
      value: `${fmt(median(perSecond(ours)), 0)} (rounds: ${rounds(perSecond(ours))})`,
    },
    {
      name: 'library path: CPU a record, µs (user + system, the whole process)',
      value: `${fmt(median(cpu(ours)), 0)} (rounds: ${rounds(cpu(ours))})`,
    },
    {
      name: 'one file create in a fresh directory (8 KiB, no fsync), µs, before each round',
      value: creates.map((c) => fmt(c, 0)).join(', '),
    },
  ];
  if (!seedFound) {
    console.log('seed not found (../shared/peers/seed-tracker-cbf622f or python3): our side only');
    figures.push({ name: 'seed tracker (earlier server), records/s', value: 'seed not found' });
  } else {
    const ratios = ours.map((o, i) => o.perSecond / seed[i]!.perSecond);
    // CPU a record is what other load on the machine disturbs least (it still slows caches).
    const cpuRatios = ours.map((o, i) => seed[i]!.cpuMicros / o.cpuMicros);
    figures.push(
      {
        name: 'seed tracker (earlier server, no fsync): records/s, same runs',
        value: `${fmt(median(perSecond(seed)), 0)} (rounds: ${rounds(perSecond(seed))})`,
      },
      {
        name: 'seed tracker: CPU a record, µs (user + system, the whole process)',
        value: `${fmt(median(cpu(seed)), 0)} (rounds: ${rounds(cpu(seed))})`,
      },
      {
        name: 'library path / seed, records/s (per round)',
        value: `×${fmt(median(ratios))} (rounds: ${ratios.map((r) => fmt(r)).join(', ')})`,
        target: '≥ ×2',
        met: median(ratios) >= 2,
      },
      {
        name: 'seed / library path, CPU a record (per round; above 1: ours costs less)',
        value: `×${fmt(median(cpuRatios))} (rounds: ${cpuRatios.map((r) => fmt(r)).join(', ')})`,
      },
    );
  }
  return report('The record path beside the seed tracker', figures);
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await benchSeedCompare();
