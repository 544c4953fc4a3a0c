import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErasureLog } from '../../src/lifecycle/erasure-log.js';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { startPipelineServer } from '../helpers/observability-stack.js';
import { ROOT, type Proc } from '../helpers/processes.js';
import { buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';
import { eventually } from '../helpers/eventually.js';

const procs: Proc[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

/** Runs the server to its exit; its exit code and what it wrote to stderr. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', OTEL_TRACES_EXPORTER: 'none', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    });
  });
}

// Each case starts node + tsx: give a loaded machine time (the server itself exits at once).
describe('start-up failures (real processes)', { timeout: 60_000 }, () => {
  it.each([
    ['PORT', 'a port in use'],
    ['OTLP_GRPC_PORT', 'an OTLP/gRPC port in use'],
  ])('%s: %s gives one clear line naming it, exit 3', async (variable) => {
    const dir = await tempDir();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as { port: number };
    try {
      const { code, stderr } = await runToExit({
        PORT: '0',
        [variable]: String(port),
        EXECUTIONS_DIR: join(dir, 'executions'),
        MEDIA_DIR: join(dir, 'media'),
      });
      expect(code).toBe(3);
      expect(stderr).toBe(
        `cannot listen on 127.0.0.1:${port}: the port is already in use (stop the other server or set ${variable})\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it('a records path that is a file: one clear line naming EXECUTIONS_DIR, exit 4', async () => {
    const dir = await tempDir();
    const file = join(dir, 'executions');
    await writeFile(file, 'not a directory');
    const { code, stderr } = await runToExit({
      PORT: '0',
      EXECUTIONS_DIR: file,
      MEDIA_DIR: join(dir, 'media'),
    });
    expect(code).toBe(4);
    expect(stderr).toBe(
      `cannot start: EXECUTIONS_DIR=${file} is not a directory (a file is in the way); fix: move that file away, or set EXECUTIONS_DIR to a directory that user can write\n`,
    );
  });

  it('an invalid configuration: one line naming the variable, exit 2', async () => {
    const { code, stderr } = await runToExit({ PORT: '0', MAX_CONNECTIONS: 'many' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^invalid configuration; .*→ at MAX_CONNECTIONS\n$/);
    expect(stderr.split('\n')).toHaveLength(2); // one line, no stack trace
  });
});

describe('the running server (real process)', () => {
  it('drops a slowloris client within HEADERS_TIMEOUT_MS + 1 s and refuses a foreign Host', async () => {
    const dir = await tempDir();
    const server = await startPipelineServer({
      OTEL_TRACES_EXPORTER: 'none',
      EXECUTIONS_DIR: join(dir, 'executions'),
      MEDIA_DIR: join(dir, 'media'),
      HEADERS_TIMEOUT_MS: '1000',
      REQUEST_TIMEOUT_MS: '2000',
    });
    procs.push(server.proc);
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.on('data', () => {}); // a client that reads sees the close
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const opened = Date.now();
    const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now() - opened)));
    const header = `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-A: b\r\n'.repeat(200)}`;
    let i = 0;
    const timer = setInterval(() => !socket.destroyed && socket.write(header[i++] ?? ''), 20);
    const ms = await closed;
    clearInterval(timer);
    expect(ms).toBeLessThan(1000 + 1000 + 300);

    // A rebinding page's request carries its own name as Host (fetch cannot set Host: raw socket).
    const raw = connect(server.port, '127.0.0.1');
    let answer = '';
    raw.on('data', (c) => (answer += c.toString()));
    await new Promise<void>((r) => raw.once('connect', () => r()));
    raw.end('GET /api/executions HTTP/1.1\r\nHost: evil.example.com\r\nConnection: close\r\n\r\n');
    await new Promise((r) => raw.once('close', r));
    expect(answer).toMatch(/^HTTP\/1.1 421/);
  });

  it('applies RETENTION_DAYS at start and logs the pass in ERASURE_LOG', async () => {
    const dir = await tempDir();
    const executions = join(dir, 'executions');
    const media = join(dir, 'media');
    const store = await FileRecordStore.open(executions);
    const old = buildRecord({ startMillis: Date.now() - 40 * 86_400_000 });
    const fresh = buildRecord();
    await store.save(old);
    await store.save(fresh);
    await mkdir(join(media, old.execution_id), { recursive: true });
    await store.close(); // one process owns a records directory
    const logPath = join(dir, 'audit', 'erasures.jsonl');
    const server = await startPipelineServer({
      OTEL_TRACES_EXPORTER: 'none',
      EXECUTIONS_DIR: executions,
      MEDIA_DIR: media,
      RETENTION_DAYS: '30',
      ERASURE_LOG: logPath,
    });
    procs.push(server.proc);
    const log = new ErasureLog(logPath);
    const entries = await eventually(async () => {
      const read = await log.read();
      return read.length > 0 && read;
    });
    expect(entries[0]).toMatchObject({
      reason: 'retention',
      retention_days: 30,
      execution_ids: [old.execution_id],
      media_dirs_deleted: 1,
    });
    const list = (await (await fetch(`${server.url}/api/executions`)).json()) as {
      executions: { execution_id: string }[];
    };
    expect(list.executions.map((e) => e.execution_id)).toEqual([fresh.execution_id]);
  });
});
