import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPipelineServer } from '../helpers/observability-stack.js';
import { freePort, ROOT, type Proc } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';
import { eventually } from '../helpers/eventually.js';

/**
 * Runs the server with stdout on a pseudo-terminal (util-linux `script`) or on a pipe, until
 * it logged that it listens; what it printed.
 */
async function firstOutput(tty: boolean): Promise<{ text: string; dir: string; port: number }> {
  const dir = await tempDir();
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    EXECUTIONS_DIR: join(dir, 'executions'),
    MEDIA_DIR: join(dir, 'media'),
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
    JAEGER_UI_URL: `http://127.0.0.1:${await freePort()}`,
  };
  const server = `${process.execPath} --import tsx src/main.ts`;
  const child = tty
    ? spawn('script', ['-qfec', server, '/dev/null'], { cwd: ROOT, env, detached: true })
    : spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env,
        detached: true,
      });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const deadline = Date.now() + 30_000;
  while (
    !text.includes('pipeline server listening') &&
    Date.now() < deadline &&
    child.exitCode === null
  )
    await new Promise((r) => setTimeout(r, 100));
  process.kill(-child.pid!, 'SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { text: text.replace(/\r/g, ''), dir, port };
}

describe('the start-up banner (real processes)', { timeout: 60_000 }, () => {
  it('on a terminal: where the web view is, where records go, the collector and Jaeger', async () => {
    const { text, dir, port } = await firstOutput(true);
    expect(text).toContain(`  web view:   http://127.0.0.1:${port}/\n`);
    expect(text).toContain(`  records:    ${join(dir, 'executions')} (one JSON file per run)\n`);
    expect(text).toMatch(
      / {2}collector: {2}http:\/\/127\.0\.0\.1:4318\/v1\/traces (\(answers\)|does not answer: fine without one)/,
    );
    expect(text).toMatch(/ {2}Jaeger UI: {2}http:\/\/127\.0\.0\.1:\d+ does not answer/);
    expect(text).not.toMatch(/"level":50/); // no error-level line on a fresh start
  });

  it('on a pipe (machines): JSON lines only', async () => {
    const { text } = await firstOutput(false);
    expect(text).not.toContain('web view:');
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});

const procs: Proc[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

describe('a collector that does not answer (real process)', { timeout: 60_000 }, () => {
  it('logs one warning with the error code, no error level, no stack trace', async () => {
    const dir = await tempDir();
    const collector = `http://127.0.0.1:${await freePort()}`;
    const server = await startPipelineServer({
      EXECUTIONS_DIR: join(dir, 'executions'),
      MEDIA_DIR: join(dir, 'media'),
      OTEL_EXPORTER_OTLP_ENDPOINT: collector,
    });
    procs.push(server.proc);
    const run = await fetch(`${server.url}/api/schema/pipeline/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ schema: 'dada', input_text: 'Eine geheime Blume' }),
    });
    expect(run.status).toBe(200);
    await eventually(() => server.proc.output().includes('the collector does not answer'), {
      timeoutMillis: 15_000,
      what: 'the warning that the collector does not answer',
    });
    const lines = server.proc
      .output()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.component === 'otel')).toEqual([
      expect.objectContaining({
        level: 40,
        error_code: 'ECONNREFUSED',
        msg: 'trace export failed: the collector does not answer',
      }),
    ]);
    expect(server.proc.output()).not.toMatch(/"level":50|stack|geheime/);
    // The operator named this endpoint: /health says degraded.
    const health = (await (await fetch(`${server.url}/health`)).json()) as { status: string };
    expect(health.status).toBe('degraded');
  });
});
