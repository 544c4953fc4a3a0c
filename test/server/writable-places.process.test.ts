import { spawn } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notWritableBy, ownedBy, testUser, type TestUser } from '../helpers/other-user.js';
import { ROOT } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Runs the server as `user` to its exit; its exit code and what it wrote to stderr. */
function runAs(
  user: TestUser,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const line = [...user.prefix, process.execPath, '--import', 'tsx', 'src/main.ts'];
  const [command, args] = [line[0]!, line.slice(1)];
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', OTEL_TRACES_EXPORTER: 'none', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    });
  });
}

/** A temp dir the test user can enter, with a records directory it owns. */
async function layout(user: TestUser) {
  const dir = await tempDir();
  await chmod(dir, 0o755);
  return { dir, executions: await ownedBy(join(dir, 'executions'), user) };
}

describe('start-up refuses places it cannot write (real processes)', { timeout: 60_000 }, () => {
  const user = testUser();
  const who = `${user.name} (uid ${user.uid}, gid ${user.gid})`;

  it('an unwritable media folder: one line naming MEDIA_DIR, the user and the fix; exit 4', async () => {
    const { dir, executions } = await layout(user);
    const media = await notWritableBy(join(dir, 'media'), user);
    const { code, stderr } = await runAs(user, {
      EXECUTIONS_DIR: executions,
      MEDIA_DIR: media,
      ERASURE_LOG: join(executions, 'erasure-log.jsonl'),
    });
    expect(stderr).toBe(
      `cannot start: MEDIA_DIR=${media} is not writable by user ${who}; fix: chown -R ${user.uid}:${user.gid} ${media}, or set MEDIA_DIR to a directory that user can write\n`,
    );
    expect(code).toBe(4);
  });

  it('an unwritable erasure log folder: one line naming ERASURE_LOG, the user and the fix; exit 4', async () => {
    const { dir, executions } = await layout(user);
    const media = await ownedBy(join(dir, 'media'), user);
    const audit = await notWritableBy(join(dir, 'audit'), user);
    const log = join(audit, 'erasures.jsonl');
    const { code, stderr } = await runAs(user, {
      EXECUTIONS_DIR: executions,
      MEDIA_DIR: media,
      ERASURE_LOG: log,
    });
    expect(stderr).toBe(
      `cannot start: ERASURE_LOG=${log} is not writable by user ${who}; fix: chown -R ${user.uid}:${user.gid} ${audit}, or set ERASURE_LOG to a file in a directory that user can write\n`,
    );
    expect(code).toBe(4);
  });

  it('an unwritable records directory: one line naming EXECUTIONS_DIR; exit 4', async () => {
    const dir = await tempDir();
    await chmod(dir, 0o755);
    const executions = await notWritableBy(join(dir, 'executions'), user);
    const { code, stderr } = await runAs(user, {
      EXECUTIONS_DIR: executions,
      MEDIA_DIR: await ownedBy(join(dir, 'media'), user),
      ERASURE_LOG: join(dir, 'media', 'erasure-log.jsonl'),
    });
    expect(stderr).toBe(
      `cannot start: EXECUTIONS_DIR=${executions} is not writable by user ${who}; fix: chown -R ${user.uid}:${user.gid} ${executions}, or set EXECUTIONS_DIR to a directory that user can write\n`,
    );
    expect(code).toBe(4);
  });

  it('a file where the media folder should be: one line, exit 4 (as any user, root too)', async () => {
    const dir = await tempDir();
    const media = join(dir, 'media');
    await writeFile(media, 'not a directory');
    const { code, stderr } = await runAs(
      { ...user, prefix: [] },
      { EXECUTIONS_DIR: join(dir, 'executions'), MEDIA_DIR: media },
    );
    expect(stderr).toBe(
      `cannot start: MEDIA_DIR=${media} is not a directory (a file is in the way); fix: move that file away, or set MEDIA_DIR to a directory that user can write\n`,
    );
    expect(code).toBe(4);
  });
});
