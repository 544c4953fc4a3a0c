import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('file descriptors', () => {
  it('a burst of saves in one turn stays within a low open-file limit: every record stored', async () => {
    // The journal resolves a whole batch at once; its record files must not all open together.
    const dir = await tempDir();
    const child = spawnSync(
      'bash',
      ['-c', 'ulimit -n 128 && exec node --import tsx test/helpers/save-burst.ts "$0" 1500', dir],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as {
      failed: number;
      reason: string | null;
      stored: number;
    };
    expect(result).toEqual({ failed: 0, reason: null, stored: 1500 });
  });
});
