import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/processes.js';

const ONE_ERROR_LINE = /^error: [^\n]+ \(see execution-history --help\)\n$/;

describe('execution-history as a process', () => {
  it('sets the exit code of the process too', async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/execution-history.js'), 'export', '--bundle', 'x', '--status', 'nope'],
      { cwd: ROOT, env: { PATH: process.env.PATH }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(ONE_ERROR_LINE);
  }, 30_000);
});
