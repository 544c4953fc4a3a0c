import { spawnSync } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ROOT } from './processes.js';
const LOCK = join(ROOT, 'web', '.build-lock');
const STALE_LOCK_MILLIS = 5 * 60_000;
const WAIT_MILLIS = 200;

async function newest(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const names = await readdir(path);
  const times = await Promise.all(names.map((n) => newest(join(path, n))));
  return Math.max(info.mtimeMs, ...times);
}

async function builtAt(): Promise<number> {
  return stat(join(ROOT, 'web', 'dist', 'index.html')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
}

/**
 * Builds the web view (`npm run build:web`) unless `web/dist` is newer than its sources; one
 * build at a time across test files (Vite refuses a second one), by a lock directory.
 * Returns the build's failure output, or null.
 */
export async function buildWebOnce(): Promise<string | null> {
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      const held = await stat(LOCK).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (held > STALE_LOCK_MILLIS) await rm(LOCK, { recursive: true, force: true });
      else await delay(WAIT_MILLIS);
    }
  }
  try {
    const sources = Math.max(
      await newest(join(ROOT, 'web', 'src')),
      await newest(join(ROOT, 'web', 'index.html')),
      await newest(join(ROOT, 'web', 'vite.config.ts')),
    );
    if ((await builtAt()) > sources) return null;
    const build = spawnSync('npm', ['run', '--silent', 'build:web'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    return build.status === 0 ? null : `${build.stdout}\n${build.stderr}`;
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

/**
 * Builds the web view into `outDir` (not `web/dist/`), so browser test files running at the
 * same time never empty each other's build; serve it with `createApp({ webDir: outDir })`.
 * NOTE: `--bypass-lock`: Vite refuses a second build of one project while one runs (its
 * command lock); with an output directory of its own each build is safe beside the others.
 * Returns the build's exit status and its error output.
 */
export function buildWebInto(outDir: string): { status: number | null; stderr: string } {
  const vite = join(ROOT, 'node_modules', '.bin', 'vite');
  const args = [
    'build',
    '--config',
    'web/vite.config.ts',
    '--logLevel',
    'warn',
    '--outDir',
    outDir,
    '--bypass-lock',
  ];
  const run = spawnSync(vite, args, { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}
