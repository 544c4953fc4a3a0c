import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendSettings } from '../../src/pipeline/backends/backend-registry.js';
import { DEFAULT_CLIENT_LIMITS } from '../../src/server/client-limits.js';
import { listen } from '../helpers/listen.js';
import { startOllamaStandIn } from '../helpers/stand-ins/ollama-stand-in.js';
import { testApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/eventually.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** Opens a stream from `localAddress` (another loopback address is another client). */
function openStream(
  url: string,
  localAddress = '127.0.0.1',
): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { localAddress }, (res) => resolve({ req, res }));
    req.on('error', reject);
  });
}

describe('one client against everyone else', () => {
  it('a client holding streams up to its limit locks nobody else out', async () => {
    const ctx = await testApp();
    const id = 'exec_20260101_120000_0000abcd';
    ctx.live.onRunStart({ executionId: id, traceId: '0'.repeat(32), steps: [] });
    const server = await listen(ctx.app);
    closers.push(server.close, () => ctx.live.end(id, 'completed'));
    const url = `${server.url}/api/executions/${id}/stream`;
    const greedy: { req: ClientRequest; res: IncomingMessage }[] = [];
    closers.push(() => greedy.forEach((s) => s.req.destroy()));
    for (let i = 0; i < 40; i++) greedy.push(await openStream(url));
    const statuses = greedy.map((s) => s.res.statusCode);
    const limit = DEFAULT_CLIENT_LIMITS.liveStreamsPerClient;
    expect(statuses.filter((s) => s === 200)).toHaveLength(limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - limit);
    const other = await openStream(url, '127.0.0.2');
    greedy.push(other);
    expect(other.res.statusCode).toBe(200);
  });

  it('1,000 asynchronous runs put at most ASYNC_RUNS_MAX calls on the LLM; the rest get 429 fast', async () => {
    const ollama = await startOllamaStandIn({ delayMillis: 200 });
    closers.push(ollama.close);
    const backends: BackendSettings = {
      llm: { eco: 'ollama', fast: 'offline' },
      media: { eco: 'offline', fast: 'offline' },
      ollama: { baseUrl: ollama.url },
    };
    const ctx = await testApp({ backends });
    const server = await listen(ctx.app);
    closers.push(server.close);
    const { asyncRunsRunning, asyncRunsQueued } = DEFAULT_CLIENT_LIMITS;
    const statuses: number[] = [];
    const started = performance.now();
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 100 }, () =>
          fetch(`${server.url}/api/schema/pipeline/execute`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', prefer: 'respond-async' },
            body: JSON.stringify({
              schema: 'dada',
              input_text: 'Eine Blume',
              output_config: 'none',
            }),
          }).then(async (r) => {
            await r.arrayBuffer();
            if (r.status === 429) expect(r.headers.get('retry-after')).toBe('30');
            return r.status;
          }),
        ),
      );
      statuses.push(...answers);
    }
    const floodMillis = performance.now() - started;
    expect(floodMillis).toBeLessThan(30_000);
    const accepted = statuses.filter((s) => s === 202).length;
    expect(accepted).toBeGreaterThanOrEqual(asyncRunsRunning + asyncRunsQueued);
    // Only runs that ended in the meantime free places (each takes two 200 ms LLM calls).
    expect(accepted).toBeLessThan(250);
    expect(statuses.filter((s) => s !== 202 && s !== 429)).toEqual([]);
    const health = performance.now();
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(performance.now() - health).toBeLessThan(1_000);
    expect(ollama.load.peak).toBeLessThanOrEqual(asyncRunsRunning);
    await eventually(
      async () => {
        const queue = (await (await fetch(`${server.url}/health`)).json()) as {
          clients: { async_runs: { running: number; queued: number } };
        };
        expect(queue.clients.async_runs.running + queue.clients.async_runs.queued).toBe(0);
      },
      { timeoutMillis: 30_000, intervalMillis: 100 },
    );
    expect(ollama.load.peak).toBeLessThanOrEqual(asyncRunsRunning);
    await ctx.tracing.forceFlush();
  }, 60_000);
});
