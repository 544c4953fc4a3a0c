import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { eraseCommand } from '../../src/cli/erase-command.js';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';

function stderr() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('eraseCommand', () => {
  it('erases a session’s records and media, logs it and exits 0', async () => {
    const dir = await tempDir();
    const store = await FileRecordStore.open(join(dir, 'executions'));
    const mediaDir = join(dir, 'media');
    const erasureLog = join(dir, 'erasure-log.jsonl');
    const record = buildRecord({ session_id: 'class-4b' });
    await store.save(record);
    await store.save(buildRecord({ session_id: 'other' }));
    await mkdir(join(mediaDir, record.execution_id), { recursive: true });
    const err = stderr();
    const code = await eraseCommand(
      store,
      { sessionId: 'class-4b', mediaDir, erasureLog },
      { stderr: err.stream },
    );
    expect(code).toBe(0);
    expect(err.text()).toMatch(
      /erased 1 record\(s\), 0 annotation\(s\) and 1 media folder\(s\) of session "class-4b"/,
    );
    expect(await store.get(record.execution_id)).toBeNull();
    expect((await store.list()).total).toBe(1);
    await expect(stat(join(mediaDir, record.execution_id))).rejects.toThrow();
    expect(JSON.parse(await readFile(erasureLog, 'utf8'))).toMatchObject({
      source: 'cli',
      session_id: 'class-4b',
      execution_ids: [record.execution_id],
    });
  });

  it('exits 2 with usage unless exactly one of user id or session id is given', async () => {
    const dir = await tempDir();
    const store = await FileRecordStore.open(join(dir, 'executions'));
    const base = { mediaDir: join(dir, 'media'), erasureLog: join(dir, 'log.jsonl') };
    for (const args of [base, { ...base, userId: 'a', sessionId: 'b' }, { ...base, userId: '' }]) {
      const err = stderr();
      expect(await eraseCommand(store, args, { stderr: err.stream })).toBe(2);
      expect(err.text()).toMatch(/usage: erase/);
    }
    await expect(stat(base.erasureLog)).rejects.toThrow();
  });

  it('exits 1 naming the problem when the log cannot be written', async () => {
    const dir = await tempDir();
    const store = await FileRecordStore.open(join(dir, 'executions'));
    const err = stderr();
    const code = await eraseCommand(
      store,
      { userId: 'a', mediaDir: join(dir, 'media'), erasureLog: join(dir, 'executions') },
      { stderr: err.stream },
    );
    expect(code).toBe(1);
    expect(err.text()).toMatch(/^erase failed: .*EISDIR/);
  });
});
