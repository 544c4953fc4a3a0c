import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryLock } from '../../src/store/directory-lock.js';
import { answers, freePort, ROOT } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const SHUTDOWN_TIMEOUT_MS = 3_000;
const started: ChildProcess[] = [];
afterEach(() => {
  // Leaves nothing behind when an assertion failed: the whole group of a test's `npm start`.
  for (const child of started.splice(0))
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
});

/** True while something accepts connections on `port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * `npm start` (the README's first command, pre-scripts skipped: the web view is not under test)
 * in its own process group, as a terminal or a process manager runs it; resolves once it answers.
 */
async function npmStart() {
  const dir = await tempDir();
  const port = await freePort();
  const executions = join(dir, 'executions');
  const child = spawn('npm', ['start', '--ignore-scripts', '--silent'], {
    cwd: ROOT,
    detached: true, // a group of its own: npm, then the server it starts
    env: {
      ...process.env,
      PORT: String(port),
      EXECUTIONS_DIR: executions,
      MEDIA_DIR: join(dir, 'media'),
      OTEL_TRACES_EXPORTER: 'none',
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!(await answers(`http://127.0.0.1:${port}/health`).catch(() => false))) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, executions, exited, output: () => output };
}

/** Waits until `check` holds or `millis` pass; the elapsed time, or null when it never held. */
async function within(millis: number, check: () => Promise<boolean>): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < millis) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

describe('npm start stopped by a signal (real processes)', { timeout: 90_000 }, () => {
  it.each([
    ['SIGTERM', 'npm', 'a process manager'],
    ['SIGINT', 'npm', 'an IDE stop button'],
    ['SIGINT', 'the process group', 'Ctrl-C in a terminal'],
    ['SIGTERM', 'the process group', 'systemd or a container runtime'],
  ] as const)(
    '%s to %s (%s): the port and the records lock are free within the shutdown timeout',
    async (signal, target, _who) => {
      const server = await npmStart();
      expect(existsSync(join(server.executions, '.lock'))).toBe(true);
      const pid = server.child.pid!;
      process.kill(target === 'npm' ? pid : -pid, signal);

      const freed = await within(
        SHUTDOWN_TIMEOUT_MS + 2_000,
        async () => !(await listening(server.port)),
      );
      expect(freed, server.output()).not.toBeNull();
      const unlocked = await within(
        SHUTDOWN_TIMEOUT_MS + 2_000,
        async () => !existsSync(join(server.executions, '.lock')),
      );
      expect(unlocked, server.output()).not.toBeNull();
      const lock = await DirectoryLock.acquire(server.executions); // no live owner left
      await lock.release();
      await within(
        5_000,
        async () => server.child.exitCode !== null || server.child.signalCode !== null,
      );
      await server.exited;
      expect(server.output()).toMatch(/"msg":"stopped"/);
    },
  );
});
