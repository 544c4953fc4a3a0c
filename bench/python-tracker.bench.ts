// The Python client's overhead beside the earlier tracker (bench/python-tracker.py), run with
// the venv scripts/python-tests.sh makes; reports a figure saying so when the venv is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { report } from './stats.js';
import { PACKAGE_ROOT } from '../src/telemetry/tracker/package-root.js';

const ROOT = PACKAGE_ROOT;
const python = join(ROOT, 'clients/python/.venv/bin/python');

if (!existsSync(python)) {
  report('Python client', [
    { name: 'Python client benchmark', value: 'skipped: run scripts/python-tests.sh first' },
  ]);
} else {
  const child = spawnSync(python, ['bench/python-tracker.py'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (child.status !== 0) process.exitCode = child.status ?? 1;
}
