import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRecord } from '../helpers/record-builder.js';
import { captureLogger } from '../helpers/log-capture.js';
import { listen } from '../helpers/listen.js';
import { bearerFor, ROLE_TOKEN_ENTRIES, ROLE_TOKENS } from '../helpers/role-tokens.js';
import { startOllamaStandIn } from '../helpers/stand-ins/ollama-stand-in.js';
import { testApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/eventually.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

describe('request log', () => {
  it('carries the full path of executions routes, without the query', async () => {
    const capture = captureLogger();
    const { app, store } = await testApp({ app: { logger: capture.logger } });
    const record = buildRecord();
    await store.save(record);
    await request(app).get(`/api/executions/${record.execution_id}?compat=1.0`);
    await request(app).get('/api/runs/stats');
    await request(app).get('/api/executions?user_id=child-7');
    const lines = capture.lines().filter((l) => l.msg === 'request');
    expect(lines.map((l) => [l.path, l.status])).toEqual([
      [`/api/executions/${record.execution_id}`, 200],
      ['/api/runs/stats', 200],
      ['/api/executions', 200],
    ]);
    expect(capture.text()).not.toMatch(/compat|child-7/);
  });

  it('names the caller’s token and role, never the token itself', async () => {
    const capture = captureLogger();
    const { app, store } = await testApp({
      app: { logger: capture.logger, tokens: ROLE_TOKEN_ENTRIES },
    });
    const record = buildRecord();
    await store.save(record);
    await request(app).delete(`/api/executions/${record.execution_id}`).set(bearerFor('admin'));
    await request(app).get('/api/executions').set(bearerFor('ingest'));
    await request(app).get('/api/executions');
    const lines = capture.lines().filter((l) => l.msg === 'request');
    expect(lines.map((l) => [l.status, l.token, l.role])).toEqual([
      [204, 'admin-1', 'admin'],
      [403, 'ingest-1', 'ingest'],
      [401, undefined, undefined],
    ]);
    for (const token of Object.values(ROLE_TOKENS)) expect(capture.text()).not.toContain(token);
  });

  it('logs a request the client aborted before the answer', async () => {
    const ollama = await startOllamaStandIn({ delayMillis: 5_000 });
    closers.push(ollama.close);
    const capture = captureLogger();
    const { app } = await testApp({
      app: { logger: capture.logger },
      backends: {
        llm: { eco: 'ollama', fast: 'offline' },
        media: { eco: 'offline', fast: 'offline' },
        ollama: { baseUrl: ollama.url },
      },
    });
    const server = await listen(app);
    closers.push(server.close);
    const abort = new AbortController();
    const sent = fetch(`${server.url}/api/schema/pipeline/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ schema: 'dada', input_text: 'Eine Blume' }),
      signal: abort.signal,
    }).catch(() => null);
    // Abort while the run waits on the (slow) LLM.
    await eventually(() => expect(ollama.requests.length).toBeGreaterThan(0));
    abort.abort();
    await sent;
    const aborted = await eventually(
      () => capture.lines().find((l) => l.msg === 'request aborted') ?? false,
    );
    expect(aborted).toMatchObject({
      method: 'POST',
      path: '/api/schema/pipeline/execute',
      aborted: true,
      ms: expect.any(Number),
    });
    expect(capture.text()).not.toMatch(/Blume/);
  });
});
