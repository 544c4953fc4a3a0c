import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryLock, DirectoryLockedError } from '../../src/store/directory-lock.js';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

const lockOf = (pid: number, host = hostname()) =>
  JSON.stringify({ pid, host, started_at: '2026-01-01T00:00:00Z', token: 'feedfeedfeedfeed' });

describe('DirectoryLock', () => {
  it('writes pid and host into the lock and removes it on release', async () => {
    const dir = await tempDir();
    const lock = await DirectoryLock.acquire(dir);
    const held = JSON.parse(await readFile(join(dir, '.lock'), 'utf8'));
    expect(held).toMatchObject({ pid: process.pid, host: hostname() });
    await lock.release();
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a second owner while the first holds the directory, naming the holder and the way out', async () => {
    const dir = await tempDir();
    const first = await DirectoryLock.acquire(dir);
    const second = await DirectoryLock.acquire(dir).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(DirectoryLockedError);
    expect((second as Error).message).toMatch(
      new RegExp(`in use by process ${process.pid} on .*DATABASE_URL`),
    );
    await first.release();
    await (await DirectoryLock.acquire(dir)).release();
  });

  it('takes over the stale lock of a dead process on this host', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.lock'), lockOf(deadPid()));
    const lock = await DirectoryLock.acquire(dir);
    expect(JSON.parse(await readFile(join(dir, '.lock'), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('refuses a lock held by a live process or by another host', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.lock'), lockOf(process.ppid));
    await expect(DirectoryLock.acquire(dir)).rejects.toBeInstanceOf(DirectoryLockedError);
    await writeFile(join(dir, '.lock'), lockOf(deadPid(), 'another-host'));
    await expect(DirectoryLock.acquire(dir)).rejects.toThrow(/another-host/);
  });

  it('lets exactly one of many simultaneous contenders for a stale lock win', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.lock'), lockOf(deadPid()));
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => DirectoryLock.acquire(dir)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await readdir(dir)).toEqual(['.lock']);
  });
});

describe('FileRecordStore ownership', () => {
  it('a second store on the same directory is refused; the first keeps working', async () => {
    const dir = await tempDir();
    const store = await FileRecordStore.open(dir);
    await expect(FileRecordStore.open(dir)).rejects.toBeInstanceOf(DirectoryLockedError);
    const record = buildRecord();
    await store.save(record);
    expect((await store.get(record.execution_id))?.execution_id).toBe(record.execution_id);
    await store.close();
  });

  it('removes only the temp files of dead owners when it opens', async () => {
    const dir = await tempDir();
    const dead = `.tmp-${deadPid()}-1-exec_20260101_000000_00000001`;
    const alive = `.tmp-${process.ppid}-1-exec_20260101_000000_00000002`;
    await writeFile(join(dir, dead), '{"half":');
    await writeFile(join(dir, alive), '{"half":');
    const store = await FileRecordStore.open(dir);
    expect((await readdir(dir)).sort()).toEqual(['.lock', alive]);
    expect((await store.stats()).unreadable).toBe(0);
    await store.close();
  });
});
