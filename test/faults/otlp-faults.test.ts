import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { refusedUrl, startBadCollector } from '../helpers/fake-collectors.js';
import { testApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/eventually.js';

const EXECUTE = '/api/schema/pipeline/execute';
const BODY = { schema: 'image_comparison', input_text: 'Ein freundliches Skelett tanzt', seed: 5 };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** What a user sees of an answer, without the per-run ids. */
const visible = (body: Record<string, unknown>) => ({
  status: body.status,
  translated_text: body.translated_text,
  final_text: body.final_text,
  outputs: (body.outputs as { status: string; media_type: string }[]).map((o) => [
    o.status,
    o.media_type,
  ]),
});

async function reference() {
  const ctx = await testApp();
  return visible((await request(ctx.app).post(EXECUTE).send(BODY)).body as Record<string, unknown>);
}

describe.each([
  [
    'unreachable (connection refused)',
    async () => ({ url: await refusedUrl(), close: async () => {} }),
  ],
  ['hanging (accepts, never answers)', () => startBadCollector('hang')],
  ['slow (4 s per answer)', () => startBadCollector('slow')],
  ['answering 503', () => startBadCollector('status-503')],
  ['answering 413', () => startBadCollector('status-413')],
])('collector %s', (_name, start) => {
  it('the pipeline answers unchanged and fast, every record is complete, /health shows the export state', async () => {
    const expected = await reference();
    const collector = await start();
    closers.push(collector.close);
    const ctx = await testApp({
      tracing: {
        otlp: {
          url: collector.url,
          timeoutMillis: 2_000,
          scheduledDelayMillis: 20,
          maxQueueSize: 50,
          maxExportBatchSize: 25,
        },
      },
    });
    const ids: string[] = [];
    const times: number[] = [];
    for (let n = 0; n < 20; n++) {
      const started = performance.now();
      const res = await request(ctx.app).post(EXECUTE).send(BODY);
      times.push(performance.now() - started);
      expect(res.status).toBe(200);
      expect(visible(res.body as Record<string, unknown>)).toEqual(expected);
      ids.push(res.body.execution_id as string);
    }
    // No request waited on the collector (its time-out is 2 s; a run takes a few ms).
    expect(Math.max(...times)).toBeLessThan(1_500);
    await ctx.tracing.recordExporter.forceFlush();
    for (const id of ids) {
      const record = (await ctx.store.get(id))!;
      expect(record.status).toBe('completed');
      expect(record.items.at(-1)!.item_type).toBe('pipeline_complete');
    }
    // Wait for the OTLP path to have tried (and failed, or dropped what did not fit).
    await eventually(
      async () => {
        const otlp = (await request(ctx.app).get('/health')).body.otlp as Record<string, number>;
        expect(otlp.enabled).toBe(true);
        expect(otlp.spans_failed! + otlp.spans_dropped!).toBeGreaterThan(0);
      },
      { timeoutMillis: 15_000 },
    );
    await ctx.tracing.shutdown();
  }, 30_000);
});

describe('collector URL with credentials', () => {
  it('/health shows the endpoint and its errors without user, password or token', async () => {
    const collector = await startBadCollector('status-503');
    closers.push(collector.close);
    const url = new URL(collector.url);
    url.username = 'alice';
    url.password = 's3cret';
    url.search = '?token=t0ken';
    const ctx = await testApp({
      tracing: { otlp: { url: url.toString(), timeoutMillis: 2_000, scheduledDelayMillis: 20 } },
    });
    expect((await request(ctx.app).post(EXECUTE).send(BODY)).status).toBe(200);
    const otlp = await eventually(
      async () => {
        const otlp = (await request(ctx.app).get('/health')).body.otlp as Record<string, unknown>;
        expect(otlp.state).toBe('failing');
        return otlp;
      },
      { timeoutMillis: 15_000 },
    );
    expect(otlp.endpoint).toContain('***@');
    expect(JSON.stringify(otlp)).not.toMatch(/alice|s3cret|t0ken/);
    await ctx.tracing.shutdown();
  }, 30_000);
});
