import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { parseRecord } from '../../src/domain/record-codec.js';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { PostgresRecordStore } from '../../src/store/postgres-record-store.js';
import { LEGACY_DIR, legacyRecordFiles } from '../helpers/legacy-fixtures.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { freePort, ROOT } from '../helpers/processes.js';
import { buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';

let server: TestPostgres;

beforeAll(async () => {
  server = await startTestPostgres();
});

afterAll(async () => {
  await server?.stop();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `execution-history ARGS` as a child process, as a user would. */
function cli(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/execution-history.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A records directory written by the file store: legacy records, new ones, and two strays. */
async function recordsDirectory(): Promise<{ dir: string; names: string[] }> {
  const dir = await tempDir();
  const store = await FileRecordStore.open(dir);
  const records: ExecutionRecord[] = [
    ...legacyRecordFiles().map(({ name, text }) => parseRecord(text, name).record),
    ...Array.from({ length: 4 }, (_, n) => buildRecord({ config_name: `c${n}` })),
    { ...buildRecord(), items: [], extra_key: { ü: 'Blume 🌼' } } as ExecutionRecord,
  ];
  for (const r of records) await store.save(r);
  await store.close();
  const names = (await readdir(dir)).sort();
  await writeFile(join(dir, 'exec_20260101_000000_0000beef.json'), '{"content": "ein Geheimnis');
  await writeFile(join(dir, 'notes.txt'), 'hello');
  return { dir, names };
}

// Each test starts the CLI as several real processes (node + tsx each): allow a loaded machine.
describe('execution-history import / export --files', { timeout: 60_000 }, () => {
  it('imports a records directory idempotently and exports it back byte for byte', async () => {
    const env = { DATABASE_URL: await server.createDatabase() };
    const { dir, names } = await recordsDirectory();

    // Legacy files as the earlier server wrote them (README.md beside them is unreadable),
    // then the whole directory, twice.
    const legacy = await cli(['import', LEGACY_DIR], env);
    expect(legacy.code).toBe(0);
    expect(legacy.stdout).toMatch(/^imported 4 records from .* \(5 files, 1 unreadable/);
    for (let pass = 0; pass < 2; pass++) {
      const run = await cli(['import', dir], env);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe(
        `imported 9 records from ${dir} (11 files, 2 unreadable, 0 skipped as deleted)\n`,
      );
      expect(run.stderr).toContain('unreadable exec_20260101_000000_0000beef.json: invalid JSON');
      expect(run.stderr).toContain('unreadable notes.txt: not named <execution_id>.json');
      expect(run.stderr).not.toContain('Geheimnis'); // file content is never quoted
      expect(run.stderr).not.toContain('\x1b'); // not a terminal: no progress bar
    }

    const out = await tempDir();
    const exported = await cli(['export', '--files', out], env);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toBe(`exported 9 records to ${out}\n`);
    expect((await readdir(out)).sort()).toEqual(names);
    for (const name of names)
      expect(await readFile(join(out, name), 'utf8'), name).toBe(
        await readFile(join(dir, name), 'utf8'),
      );
  });

  it('counts records deleted from the database as skipped, not imported again', async () => {
    const url = await server.createDatabase();
    expect((await cli(['import', LEGACY_DIR], { DATABASE_URL: url })).code).toBe(0);
    const store = await PostgresRecordStore.open(url);
    try {
      await store.delete('exec_20261124_025133_29163f80');
    } finally {
      await store.close();
    }
    const again = await cli(['import', LEGACY_DIR], { DATABASE_URL: url });
    expect(again.stdout).toMatch(/imported 3 records .*, 1 skipped as deleted\)/);
  });

  it('says in one line when the database cannot be reached, without the password', async () => {
    const port = await freePort();
    const run = await cli(['import', LEGACY_DIR], {
      DATABASE_URL: `postgres://u:hunter2-pw@127.0.0.1:${port}/db`,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^PostgreSQL at 127\\.0\\.0\\.1:${port}/db is unavailable: .*ECONNREFUSED.*\\n$`),
    );
    expect(run.stderr).not.toContain('hunter2');
  });

  it('refuses to run without DATABASE_URL, with a bad one, or with a wrong command line', async () => {
    const unset = await cli(['import', LEGACY_DIR], {});
    expect(unset).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/DATABASE_URL is not set/),
    });
    const bad = await cli(['import', LEGACY_DIR], { DATABASE_URL: 'mysql://x' });
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/postgres:\/\//) });
    const usage = await cli(['export', LEGACY_DIR], {});
    expect(usage).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^error: export: unexpected argument .*--help\)\n$/),
    });
    const missing = await cli(['import', join(LEGACY_DIR, 'nope')], {
      DATABASE_URL: await server.createDatabase(),
    });
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/ENOENT/) });
  });
});

describe('execution-history on the file store', { timeout: 60_000 }, () => {
  it('export --bundle writes a bundle of the matching runs; erase removes a session and logs it', async () => {
    const dir = await tempDir();
    const executions = join(dir, 'executions');
    const store = await FileRecordStore.open(executions);
    const mine = [buildRecord({ session_id: 'class-7b' }), buildRecord({ session_id: 'class-7b' })];
    for (const r of [...mine, buildRecord({ session_id: 'other' })]) await store.save(r);
    await store.close();
    const env = { EXECUTIONS_DIR: executions, MEDIA_DIR: join(dir, 'media') };

    const bundle = await cli(
      ['export', '--bundle', join(dir, 'bundle'), '--session-id', 'class-7b'],
      env,
    );
    expect(bundle.code, bundle.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(dir, 'bundle', 'manifest.json'), 'utf8'));
    expect(manifest.counts.records).toBe(2);

    const erase = await cli(['erase', '--session-id', 'class-7b'], env);
    expect(erase.code, erase.stderr).toBe(0);
    const log = await readFile(join(dir, 'erasure-log.jsonl'), 'utf8');
    expect(JSON.parse(log.trim())).toMatchObject({ session_id: 'class-7b', records_deleted: 2 });
    const left = await FileRecordStore.open(executions);
    expect((await left.list()).records.map((r) => r.session_id)).toEqual(['other']);
    await left.close();
  }, 60_000);

  it('refuses with one line while a server owns the directory, and without DATABASE_URL for import', async () => {
    const dir = await tempDir();
    const executions = join(dir, 'executions');
    const owner = await FileRecordStore.open(executions);
    const env = { EXECUTIONS_DIR: executions, MEDIA_DIR: join(dir, 'media') };
    const erase = await cli(['erase', '--user-id', 'child-1'], env);
    expect(erase.code).toBe(1);
    expect(erase.stderr.trim().split('\n')).toHaveLength(1);
    expect(erase.stderr).toMatch(/in use by process/);
    await owner.close();
    const imported = await cli(['import', executions], env);
    expect(imported.code).toBe(2);
    expect(imported.stderr).toMatch(/DATABASE_URL is not set/);
  }, 60_000);
});
