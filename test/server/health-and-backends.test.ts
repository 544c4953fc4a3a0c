import { rm, writeFile } from 'node:fs/promises';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackendHealth } from '../../src/pipeline/backends/backend-health.js';
import { backendFailureLogger } from '../../src/server/backend-failure-log.js';
import { captureLogger } from '../helpers/log-capture.js';
import { startChatSwitch } from '../helpers/stand-ins/chat-switch.js';
import { startOllamaStandIn } from '../helpers/stand-ins/ollama-stand-in.js';
import { testApp } from '../helpers/test-app.js';

const EXECUTE = '/api/schema/pipeline/execute';
const TOKEN = 'a-long-enough-test-token';
const PROMPT = 'Eine geheime Blume von Mia';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const ollamaAt = (baseUrl: string) => ({
  llm: { eco: 'ollama', fast: 'offline' } as const,
  media: { eco: 'offline', fast: 'offline' } as const,
  ollama: { baseUrl, timeoutMillis: 2_000 },
});

describe('/health and the token', () => {
  it('without the token says only ok or degraded; with it, the details', async () => {
    const { app } = await testApp({ app: { apiToken: TOKEN } });
    const open = await request(app).get('/health');
    expect(open.status).toBe(200);
    expect(open.body).toEqual({ status: expect.stringMatching(/^(ok|degraded)$/) });
    const wrong = await request(app).get('/health').set('authorization', 'Bearer wrong');
    expect(Object.keys(wrong.body)).toEqual(['status']);
    const full = await request(app).get('/health').set('authorization', `Bearer ${TOKEN}`);
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ store: { writable: true }, record_path: {}, otlp: {} });
  });

  it('checks the token before writing: requests without it share one store probe', async () => {
    const ctx = await testApp({ app: { apiToken: TOKEN } });
    const probe = vi.spyOn(ctx.store, 'probeWritable');
    for (let i = 0; i < 20; i++) {
      const res = await request(ctx.app).get('/health').set('authorization', 'Bearer wrong');
      expect(res.body).toEqual({ status: 'ok' });
    }
    expect(probe).toHaveBeenCalledTimes(1);
    await request(ctx.app).get('/health').set('authorization', `Bearer ${TOKEN}`);
    expect(probe).toHaveBeenCalledTimes(2);
  });

  it('a failing store without the token: 503 and "degraded", nothing else', async () => {
    const ctx = await testApp({ app: { apiToken: TOKEN } });
    await rm(ctx.store.directory, { recursive: true });
    await writeFile(ctx.store.directory, 'not a directory');
    const res = await request(ctx.app).get('/health');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'degraded' });
  });

  it('shows no absolute path in the details', async () => {
    const ctx = await testApp();
    await rm(ctx.store.directory, { recursive: true });
    await writeFile(ctx.store.directory, 'not a directory');
    await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'x', output_config: 'none' });
    await ctx.tracing.recordExporter.forceFlush();
    const res = await request(ctx.app).get('/health');
    expect(res.body.store.error).toMatch(/ENOTDIR|EEXIST|ENOENT/);
    expect(res.body.record_path.last_error).toMatch(/ENOTDIR|EEXIST|ENOENT/);
    expect(JSON.stringify(res.body)).not.toContain(ctx.dir);
  });
});

describe('backend failures', () => {
  it('are logged (backend, stage, code, elapsed; no prompt text) and shown in /health', async () => {
    const capture = captureLogger();
    const backendHealth = new BackendHealth({ onFailure: backendFailureLogger(capture.logger) });
    const ctx = await testApp({ backends: ollamaAt('http://127.0.0.1:9'), backendHealth });
    const res = await request(ctx.app).post(EXECUTE).send({ schema: 'dada', input_text: PROMPT });
    expect(res.status).toBe(502);
    expect(res.body.error).toEqual({
      stage: 1,
      type: 'BackendError',
      code: 'backend_unreachable',
      message: expect.stringMatching(/versuche es/),
    });
    const failures = capture.lines().filter((l) => l.msg === 'backend call failed');
    expect(failures).toEqual([
      expect.objectContaining({
        component: 'backend',
        backend: 'ollama',
        kind: 'llm',
        stage: 1,
        operation: 'translate',
        code: 'backend_unreachable',
        elapsed_ms: expect.any(Number),
      }),
    ]);
    expect(capture.text()).not.toMatch(/geheime|Blume|Mia/);

    const health = await request(ctx.app).get('/health');
    expect(health.body.status).toBe('degraded');
    expect(health.body.backends.llm.ollama).toMatchObject({
      state: 'failing',
      calls: 1,
      failures: 1,
      last_success_at: null,
      last_failure_at: expect.any(String),
      last_error_code: 'backend_unreachable',
    });
    expect(health.body.backends.llm.offline).toMatchObject({ state: 'unused' });
  });

  it('a backend that answers again is ok with its last success after its last failure', async () => {
    let fail = true;
    const ollama = await startOllamaStandIn({ reply: () => 'A flower' });
    closers.push(ollama.close);
    const g = await startChatSwitch(() => (fail ? null : ollama.url));
    closers.push(g.close);
    const capture = captureLogger();
    const backendHealth = new BackendHealth({ onFailure: backendFailureLogger(capture.logger) });
    const ctx = await testApp({ backends: ollamaAt(g.url), backendHealth });
    const body = { schema: 'dada', input_text: PROMPT, output_config: 'none' };
    expect((await request(ctx.app).post(EXECUTE).send(body)).status).toBe(502);
    expect(capture.lines().at(-1)).toMatchObject({ code: 'backend_http_error', http_status: 500 });
    fail = false;
    expect((await request(ctx.app).post(EXECUTE).send(body)).status).toBe(200);
    const entry = (await request(ctx.app).get('/health')).body.backends.llm.ollama;
    expect(entry).toMatchObject({ state: 'ok', calls: 3, failures: 1 });
    expect(Date.parse(entry.last_success_at)).toBeGreaterThanOrEqual(
      Date.parse(entry.last_failure_at),
    );
    expect((await request(ctx.app).get('/health')).body.status).toBe('ok');
    expect(capture.text()).not.toMatch(/geheime|Blume|Mia|flower/i);
  });
});
