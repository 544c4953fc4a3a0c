import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PACKAGE_ROOT } from '../src/telemetry/tracker/package-root.js';

/** Percentile (0–100) of a list of numbers, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** The middle value (the upper of the two middle ones for an even count). */
export const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Formats a number with a fixed count of decimals. */
export const fmt = (n: number, digits = 2): string => n.toFixed(digits);

/** A figure a benchmark reports: name, value, unit, and the target when one is set. */
export interface Figure {
  name: string;
  value: string;
  target?: string;
  met?: boolean;
}

/** Prints figures as an aligned table and returns them for BENCHMARKS.md. */
export function report(title: string, figures: Figure[]): Figure[] {
  console.log(`\n## ${title}`);
  for (const f of figures) {
    const verdict = f.target ? ` (target ${f.target}: ${f.met ? 'met' : 'MISSED'})` : '';
    console.log(`  ${f.name.padEnd(58)}  ${f.value}${verdict}`);
  }
  if (process.env.BENCH_FIGURES_JSON) console.log(`FIGURES ${JSON.stringify(figures)}`);
  return figures;
}

/**
 * Where benchmarks write: `.bench-tmp/` in the checkout, the file system the default store
 * (`exports/executions`) lives on (here /tmp is a slower one), or `BENCH_DIR`.
 */
export const BENCH_DIR = process.env.BENCH_DIR ?? `${join(PACKAGE_ROOT, '.bench-tmp')}/`;

/** A fresh directory under `BENCH_DIR`. */
export async function benchDir(prefix: string): Promise<string> {
  const { mkdir, mkdtemp } = await import('node:fs/promises');
  await mkdir(BENCH_DIR, { recursive: true });
  return mkdtemp(`${BENCH_DIR}${prefix}`);
}

/** Where `discardDir` puts directories a bench is done with. */
const DISCARDED = `${BENCH_DIR}discarded/`;
let removeAtExit = false;

/**
 * Puts a directory the bench is done with aside (a rename), to be removed when the bench ends:
 * `npm run bench` removes them all after the last bench (BENCH_KEEP_DISCARDED), a bench run on
 * its own at its exit. Deleting thousands of files mid-bench makes ext4 scan past the freshly
 * freed inodes at every create for minutes after (`recently_deleted`: 20 µs a create becomes
 * 450 µs here), a cost a server writing records never meets and that would land on whichever
 * round comes next (bench/NOTES.md).
 */
export async function discardDir(dir: string): Promise<void> {
  const { mkdir, rename } = await import('node:fs/promises');
  await mkdir(DISCARDED, { recursive: true });
  await rename(dir, `${DISCARDED}${basename(dir)}`);
  if (!removeAtExit && !process.env.BENCH_KEEP_DISCARDED) {
    removeAtExit = true;
    process.once('exit', () => rmSync(DISCARDED, { recursive: true, force: true }));
  }
}

/** The JS heap in MiB after two full collections (the process must run with --expose-gc). */
export function heapMb(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
