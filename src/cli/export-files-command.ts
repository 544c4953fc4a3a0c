import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionRecord } from '../domain/execution-record.js';
import { serializeRecord } from '../domain/record-codec.js';
import type { Progress } from './progress.js';

/** Where exported records come from: every record, one after another. */
export interface ExportSource {
  records(): AsyncIterable<ExecutionRecord>;
}

/** Options of `exportFiles`. */
export interface ExportFilesOptions {
  progress?: Progress;
  /** Files written at once; default 16. */
  concurrency?: number;
}

async function writeWhole(directory: string, record: ExecutionRecord): Promise<void> {
  const path = join(directory, `${record.execution_id}.json`);
  const temp = join(directory, `.tmp-${record.execution_id}-${process.pid}`);
  try {
    await writeFile(temp, serializeRecord(record), 'utf8');
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

/**
 * Writes every record of `source` into `directory` as `<execution_id>.json`, byte for byte
 * what the file store writes, each file whole (temp file + rename). Returns the count.
 */
export async function exportFiles(
  source: ExportSource,
  directory: string,
  options: ExportFilesOptions = {},
): Promise<number> {
  await mkdir(directory, { recursive: true });
  const limit = Math.max(1, options.concurrency ?? 16);
  const running = new Set<Promise<void>>();
  let failure: unknown;
  let count = 0;
  for await (const record of source.records()) {
    if (failure) break;
    const write = writeWhole(directory, record).then(
      () => {
        count += 1;
        options.progress?.tick();
      },
      (error: unknown) => {
        failure ??= error;
      },
    );
    running.add(write);
    void write.finally(() => running.delete(write));
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure) throw failure;
  return count;
}
