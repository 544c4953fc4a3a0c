import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import {
  checkWritable,
  PlaceNotWritableError,
  writablePlaces,
} from '../../src/server/writable-places.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('writablePlaces', () => {
  it('names the records directory (file store only), the media folder and the erasure log', () => {
    const env = { EXECUTIONS_DIR: '/d/executions', MEDIA_DIR: '/d/media' };
    expect(writablePlaces(loadConfig(env))).toEqual([
      { variable: 'EXECUTIONS_DIR', path: '/d/executions', kind: 'directory' },
      { variable: 'MEDIA_DIR', path: '/d/media', kind: 'directory' },
      { variable: 'ERASURE_LOG', path: '/d/erasure-log.jsonl', kind: 'file' },
    ]);
    const pg = loadConfig({ ...env, DATABASE_URL: 'postgres://u:p@db:5432/x' });
    expect(writablePlaces(pg).map((p) => p.variable)).toEqual(['MEDIA_DIR', 'ERASURE_LOG']);
  });
});

describe('checkWritable', () => {
  it('creates missing directories and leaves no probe file behind', async () => {
    const dir = await tempDir();
    await checkWritable([
      { variable: 'MEDIA_DIR', path: join(dir, 'a', 'media'), kind: 'directory' },
      { variable: 'ERASURE_LOG', path: join(dir, 'audit', 'log.jsonl'), kind: 'file' },
    ]);
    expect(await readdir(join(dir, 'a', 'media'))).toEqual([]);
    expect(await readdir(join(dir, 'audit'))).toEqual([]);
  });

  it('refuses an erasure log that is a directory, and a media folder that is a file', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'log.jsonl'));
    const log = { variable: 'ERASURE_LOG', path: join(dir, 'log.jsonl'), kind: 'file' as const };
    await expect(checkWritable([log])).rejects.toEqual(new PlaceNotWritableError(log, 'EISDIR'));
    await writeFile(join(dir, 'media'), 'x');
    const media = { variable: 'MEDIA_DIR', path: join(dir, 'media'), kind: 'directory' as const };
    const error = await checkWritable([media]).catch((e: PlaceNotWritableError) => e);
    expect(error).toBeInstanceOf(PlaceNotWritableError);
    expect((error as PlaceNotWritableError).code).toMatch(/^(EEXIST|ENOTDIR)$/);
  });
});
