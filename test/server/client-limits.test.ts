import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendSettings } from '../../src/pipeline/backends/backend-registry.js';
import { listen } from '../helpers/listen.js';
import { startOllamaStandIn } from '../helpers/stand-ins/ollama-stand-in.js';
import { testApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/eventually.js';

const EXECUTE = '/api/schema/pipeline/execute';
const ID = 'exec_20260101_120000_0000abcd';
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** Opens a stream and resolves with its response once the headers are in. */
function open(url: string): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => resolve({ req, res }));
    req.on('error', reject);
  });
}

async function bodyOf(res: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of res) text += String(chunk);
  return JSON.parse(text) as Record<string, unknown>;
}

describe('live streams per client', () => {
  it('one client gets 429 beyond its limit; a closed stream frees its place', async () => {
    const ctx = await testApp({ app: { clientLimits: { liveStreamsPerClient: 2 } } });
    ctx.live.onRunStart({ executionId: ID, traceId: '0'.repeat(32), steps: [] });
    const server = await listen(ctx.app);
    closers.push(server.close, () => ctx.live.end(ID, 'completed'));
    const url = `${server.url}/api/executions/${ID}/stream`;
    const held = [await open(url), await open(url)];
    closers.push(() => held.forEach((h) => h.req.destroy()));
    expect(held.map((h) => h.res.statusCode)).toEqual([200, 200]);
    const refused = await open(url);
    expect(refused.res.statusCode).toBe(429);
    expect(refused.res.headers['retry-after']).toBe('5');
    expect((await request(ctx.app).get('/health')).body.clients.live_streams).toEqual({
      held: 2,
      clients: 1,
      refused: 1,
    });
    expect(await bodyOf(refused.res)).toMatchObject({
      error: { code: 'too_many_streams', details: { max_streams_per_client: 2 } },
    });
    // The legacy mount shares the same count.
    expect((await open(`${server.url}/api/runs/${ID}/stream`)).res.statusCode).toBe(429);
    held[0]!.req.destroy();
    // The server frees the slot once it has seen the close.
    await eventually(async () => {
      const attempt = await open(url);
      held.push(attempt);
      expect(attempt.res.statusCode).toBe(200);
    });
  });
});

describe('asynchronous runs', () => {
  it('run a bounded number at once, queue a bounded number, and refuse beyond with Retry-After', async () => {
    // The LLM answers only once the queue has been looked at: no race with the clock.
    let release!: () => void;
    const ollama = await startOllamaStandIn({ hold: new Promise<void>((r) => (release = r)) });
    closers.push(ollama.close);
    const backends: BackendSettings = {
      llm: { eco: 'ollama', fast: 'offline' },
      media: { eco: 'offline', fast: 'offline' },
      ollama: { baseUrl: ollama.url },
    };
    const ctx = await testApp({
      backends,
      app: { clientLimits: { asyncRunsRunning: 1, asyncRunsQueued: 2 } },
    });
    const body = { schema: 'dada', input_text: 'Eine Blume', output_config: 'none' };
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push(await request(ctx.app).post(EXECUTE).set('prefer', 'respond-async').send(body));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 429, 429]);
    expect(answers.slice(0, 3).map((a) => a.body.queued)).toEqual([false, true, true]);
    expect(answers[3]!.headers['retry-after']).toBe('30');
    expect(answers[3]!.body.error).toMatchObject({ code: 'too_many_async_runs' });
    expect((await request(ctx.app).get('/health')).body.clients.async_runs).toEqual({
      running: 1,
      queued: 2,
      refused: 2,
    });
    // One run asks the LLM; the queued ones wait for its slot.
    await eventually(() => expect(ollama.requests).toHaveLength(1));
    expect((await request(ctx.app).get('/health')).body.clients.async_runs).toMatchObject({
      running: 1,
      queued: 2,
    });
    expect(ollama.requests).toHaveLength(1);
    release();
    const ids = answers.slice(0, 3).map((a) => a.body.execution_id as string);
    await eventually(
      async () => {
        await ctx.tracing.forceFlush();
        for (const id of ids) expect((await ctx.store.get(id))?.status).toBe('completed');
      },
      { timeoutMillis: 15_000 },
    );
    // Slots are free again.
    const after = await request(ctx.app).post(EXECUTE).set('prefer', 'respond-async').send(body);
    expect(after.status).toBe(202);
    expect(after.body.queued).toBe(false);
    await ctx.tracing.forceFlush();
  }, 20_000);
});
