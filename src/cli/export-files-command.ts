import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionRecord } from '../domain/execution-record.js';
import { serializeRecord } from '../domain/record-codec.js';
import type { Progress } from './progress.js';

/** Where exported records come from: every record, one after another. */
export interface ExportSource {
  records(): AsyncIterable<ExecutionRecord>;
}

/**
 * Writes every record of `source` into `directory` as `<execution_id>.json`, byte for byte
 * what the file store writes, each file whole (temp file + rename). Returns the count.
 */
export async function exportFiles(
  source: ExportSource,
  directory: string,
  progress?: Progress,
): Promise<number> {
  await mkdir(directory, { recursive: true });
  let count = 0;
  for await (const record of source.records()) {
    const path = join(directory, `${record.execution_id}.json`);
    const temp = join(directory, `.tmp-${record.execution_id}-${process.pid}`);
    try {
      await writeFile(temp, serializeRecord(record), 'utf8');
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw error;
    }
    count += 1;
    progress?.tick();
  }
  return count;
}
