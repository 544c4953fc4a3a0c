import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

/** A fresh temporary directory, removed after the current test. */
export async function tempDir(prefix = 'exec-history-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** True when `path` is (inside) a directory of `tempDir`, so it goes after the current test. */
export function isTempPath(path: string): boolean {
  return made.some((dir) => {
    const rel = relative(dir, path);
    return !rel.startsWith('..') && !isAbsolute(rel);
  });
}

/**
 * Runs `cleanup` after the current test, before its temporary directories are removed (last
 * registered first): for stores and servers that hold files in them open.
 */
export function afterTest(cleanup: () => Promise<unknown>): void {
  cleanups.push(cleanup);
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  // Retries: a record save still under way when a test ends may add a file mid-removal.
  await Promise.all(
    made
      .splice(0)
      .map((d) => rm(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 })),
  );
});
