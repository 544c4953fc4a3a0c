import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './processes.js';

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
