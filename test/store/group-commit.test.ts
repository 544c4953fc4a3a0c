import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GroupCommitWriter } from '../../src/store/group-commit.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('GroupCommitWriter', () => {
  it('writes arriving together share directory syncs, and each file is whole', async () => {
    const dir = await tempDir();
    const writer = new GroupCommitWriter({ directory: dir });
    await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        writer.write(join(dir, `.tmp-${n}`), join(dir, `f${n}.json`), `{"n":${n}}`),
      ),
    );
    expect(writer.counters.files).toBe(200);
    expect(writer.counters.batches).toBeLessThan(20);
    const names = (await readdir(dir)).sort();
    expect(names).toHaveLength(200);
    expect(await readFile(join(dir, 'f7.json'), 'utf8')).toBe('{"n":7}');
  });

  it('a write that fails rejects alone, leaves no temp file, and the rest of its batch lands', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'blocked.json', 'inside'), { recursive: true });
    const writer = new GroupCommitWriter({ directory: dir, fsync: false });
    const results = await Promise.allSettled([
      writer.write(join(dir, '.tmp-a'), join(dir, 'a.json'), 'a'),
      writer.write(join(dir, '.tmp-b'), join(dir, 'blocked.json'), 'b'),
      writer.write(join(dir, '.tmp-c'), join(dir, 'c.json'), 'c'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await readdir(dir)).sort()).toEqual(['a.json', 'blocked.json', 'c.json']);
  });
});
