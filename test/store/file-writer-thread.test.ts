import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceFileOffThread, stopFileWriterThread } from '../../src/store/file-writer-thread.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-writer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the file writer thread', () => {
  it('replaces files atomically, many at once, each with its bytes', async () => {
    const writes = Array.from({ length: 200 }, (_, i) =>
      replaceFileOffThread(
        join(dir, `.tmp-${process.pid}-t${i}-r${i % 20}`),
        join(dir, `r${i % 20}.json`),
        Buffer.from(`{"n": ${i}}\n`),
      ),
    );
    await Promise.all(writes);
    const names = (await readdir(dir)).sort();
    expect(names).toHaveLength(20); // no temp file left
    // Writes of one target were all started in one turn: the file holds one of them, whole.
    for (let k = 0; k < 20; k++) {
      const text = await readFile(join(dir, `r${k}.json`), 'utf8');
      expect(text).toMatch(/^\{"n": \d+\}\n$/);
      expect(Number(JSON.parse(text).n) % 20).toBe(k);
    }
  });

  it('rejects with the system error and leaves no temp file when the directory is gone', async () => {
    const gone = join(dir, 'gone');
    const error = await replaceFileOffThread(
      join(gone, '.tmp-1-t1-x'),
      join(gone, 'x.json'),
      Buffer.from('{}\n'),
    ).catch((e: unknown) => e as NodeJS.ErrnoException);
    expect(error).toBeInstanceOf(Error);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('writes on the main thread once the thread has stopped, the waiting writes included', async () => {
    const waiting = Array.from({ length: 50 }, (_, i) =>
      replaceFileOffThread(
        join(dir, `.tmp-${process.pid}-s${i}`),
        join(dir, `s${i}.json`),
        Buffer.from(`${i}\n`),
      ),
    );
    await stopFileWriterThread();
    await Promise.all(waiting);
    await replaceFileOffThread(
      join(dir, '.tmp-after'),
      join(dir, 'after.json'),
      Buffer.from('a\n'),
    );
    for (let i = 0; i < 50; i++)
      expect(await readFile(join(dir, `s${i}.json`), 'utf8')).toBe(`${i}\n`);
    expect(await readFile(join(dir, 'after.json'), 'utf8')).toBe('a\n');
    expect((await readdir(dir)).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});
