import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionItem } from '../../src/domain/execution-item.js';
import type { BackendSettings } from '../../src/pipeline/backends/backend-registry.js';
import type { AppDeps } from '../../src/server/app.js';
import { listen } from '../helpers/listen.js';
import { readSse, type SseEvent } from '../helpers/sse-client.js';
import { startOllamaStandIn } from '../helpers/stand-ins/ollama-stand-in.js';
import { testApp } from '../helpers/test-app.js';

const EXECUTE = '/api/schema/pipeline/execute';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** An app whose LLM is an Ollama stand-in answering after `delayMillis`, listening on loopback. */
async function slowApp(delayMillis: number, app: Partial<AppDeps> = {}) {
  const ollama = await startOllamaStandIn({ delayMillis, reply: (_s, user) => `~${user}` });
  const backends: BackendSettings = {
    llm: { eco: 'ollama', fast: 'offline' },
    media: { eco: 'offline', fast: 'offline' },
    ollama: { baseUrl: ollama.url },
  };
  const ctx = await testApp({ backends, app });
  const server = await listen(ctx.app);
  closers.push(server.close, ollama.close);
  return { ...ctx, url: server.url, ollama };
}

const startAsync = (app: Awaited<ReturnType<typeof testApp>>['app'], body: object) =>
  request(app).post(EXECUTE).set('prefer', 'respond-async').send(body);

const itemsOf = (events: SseEvent[]) =>
  events.filter((e) => e.event === 'item').map((e) => e.data as ExecutionItem);

describe('async start (Prefer: respond-async)', () => {
  it('answers 202 with ids and links before stage 1 runs; the run goes on to its end', async () => {
    const ctx = await slowApp(300);
    // When the server handed the answer to the socket; stage 1's first LLM call must come after.
    let answeredAt = Infinity;
    const outer = express();
    outer.use((_req, res, next) => {
      res.on('finish', () => (answeredAt = Math.min(answeredAt, Date.now())));
      next();
    });
    outer.use(ctx.app);
    const res = await startAsync(outer as unknown as typeof ctx.app, {
      schema: 'dada',
      input_text: 'Eine Blume',
      output_config: 'none',
    });
    expect(res.status).toBe(202);
    const id = res.body.execution_id as string;
    expect(res.body).toEqual({
      status: 'running',
      queued: false,
      record: 'saved',
      execution_id: id,
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      trace_url: `http://jaeger.test/trace/${res.body.trace_id}`,
      expected_steps: 3,
      links: {
        record: `/api/executions/${id}`,
        stream: `/api/executions/${id}/stream`,
        page: `/runs/${id}`,
      },
    });
    expect(res.headers.location).toBe(`/api/executions/${id}`);
    expect(res.headers['preference-applied']).toBe('respond-async');
    expect(ctx.ollama.requests.every((r) => r.at >= answeredAt)).toBe(true);
    // The record exists from that moment: incomplete, with the start and the input.
    const record = await request(ctx.app).get(`/api/executions/${id}`);
    expect(record.body).toMatchObject({ status: 'incomplete' });
    expect(record.body.items.map((i: { item_type: string }) => i.item_type)).toEqual([
      'pipeline_start',
      'user_input_text',
    ]);
    const { events } = await readSse(`${ctx.url}${res.body.links.stream}`);
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { status: 'completed' } });
    expect(ctx.ollama.requests).toHaveLength(2);
    await ctx.tracing.forceFlush();
    expect((await ctx.store.get(id))?.status).toBe('completed');
  });

  it('tells the app of the background run, which settles when the run has ended', async () => {
    const runs: Promise<void>[] = [];
    const ctx = await slowApp(100, { onBackgroundRun: (done) => runs.push(done) });
    const res = await startAsync(ctx.app, {
      schema: 'dada',
      input_text: 'Eine Blume',
      output_config: 'none',
    });
    expect(res.status).toBe(202);
    expect(runs).toHaveLength(1);
    let settled = false;
    void runs[0]!.then(() => (settled = true));
    // Every reaction already queued runs; the run itself still waits on the (slow) LLM.
    await new Promise<void>((r) => setImmediate(r));
    expect(settled).toBe(false);
    await runs[0];
    expect(ctx.ollama.requests).toHaveLength(2);
  });

  it('stays synchronous without the header, and answers 404 for an unknown config either way', async () => {
    const ctx = await testApp();
    const sync = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Eine Blume', output_config: 'none' });
    expect(sync.status).toBe(200);
    expect(sync.body.final_text).toMatch(/Dadaist/);
    const unknown = await startAsync(ctx.app, { schema: 'nope', input_text: 'x' });
    expect(unknown.status).toBe(404);
  });
});

describe('run stream', () => {
  it('sends state, then each item with its sequence number as id and its state, then end', async () => {
    const ctx = await slowApp(40);
    const res = await startAsync(ctx.app, { schema: 'stillepost', input_text: 'Ein Baum' });
    const { status, events } = await readSse(`${ctx.url}${res.body.links.stream}`);
    expect(status).toBe(200);
    const kinds = events.map((e) => e.event);
    expect(kinds[0]).toBe('state');
    expect(kinds.at(-1)).toBe('end');
    expect(kinds.slice(1, -1)).toEqual(Array(14).fill(['item', 'state']).flat());
    const items = itemsOf(events);
    expect(items.map((i) => i.sequence_number)).toEqual(
      Array.from({ length: 14 }, (_, i) => i + 1),
    );
    expect(events.filter((e) => e.event === 'item').map((e) => e.id)).toEqual(
      items.map((i) => String(i.sequence_number)),
    );
    const states = events.filter((e) => e.event === 'state').map((e) => e.data);
    // 2 stage 1 steps + 8 iterations + the final = 11 expected steps.
    expect(states[0]).toEqual({ stage: 0, step: 'stage1.safety', progress: '0/11' });
    expect(states.map((s) => (s as { progress: string }).progress)).toEqual([
      '0/11', // before anything
      '0/11', // pipeline_start
      '0/11', // user_input_text
      '1/11', // stage1_safety_check
      '2/11', // translation_result
      ...Array.from({ length: 8 }, (_, i) => `${i + 3}/11`),
      '11/11', // interception_final
      '11/11', // pipeline_complete
    ]);
    expect(states[6]).toEqual({ stage: 2, step: 'stage2.iteration.3', progress: '4/11' });
    expect(states.at(-1)).toEqual({ stage: 5, step: 'done', progress: '11/11' });
    expect(events.at(-1)!.data).toEqual({ status: 'completed' });
  });

  it('sends items while the run is going (before it ends)', async () => {
    const ctx = await slowApp(150);
    const res = await startAsync(ctx.app, {
      schema: 'dada',
      input_text: 'Eine Blume',
      output_config: 'none',
    });
    const { events } = await readSse(`${ctx.url}${res.body.links.stream}`);
    const translation = events.find(
      (e) => (e.data as ExecutionItem).item_type === 'translation_result',
    );
    const end = events.at(-1)!;
    expect(end.event).toBe('end');
    expect(end.atMillis - translation!.atMillis).toBeGreaterThan(100);
  });

  it('resumes after Last-Event-ID, live and replayed, with the progress of the skipped items', async () => {
    const ctx = await slowApp(60);
    const res = await startAsync(ctx.app, { schema: 'stillepost', input_text: 'Ein Baum' });
    const stream = `${ctx.url}${res.body.links.stream}`;
    const first = await readSse(stream, {
      stopWhen: (events) => itemsOf(events).length === 6,
    });
    const lastId = first.events.filter((e) => e.event === 'item').at(-1)!.id!;
    expect(lastId).toBe('6');
    const resumed = await readSse(stream, { headers: { 'last-event-id': lastId } });
    expect(itemsOf(resumed.events).map((i) => i.sequence_number)).toEqual([
      7, 8, 9, 10, 11, 12, 13, 14,
    ]);
    expect(resumed.events[0]).toMatchObject({
      event: 'state',
      data: { stage: 2, progress: '4/11' },
    });
    await ctx.tracing.forceFlush();
    const replayed = await readSse(`${stream}?last_event_id=12`);
    expect(itemsOf(replayed.events).map((i) => i.item_type)).toEqual([
      'interception_final',
      'pipeline_complete',
    ]);
    expect(replayed.events.at(-1)).toMatchObject({ event: 'end', data: { status: 'completed' } });
  });

  it('sends heartbeat comments on an idle stream', async () => {
    const ctx = await slowApp(250, { sseHeartbeatMillis: 40 });
    const res = await startAsync(ctx.app, {
      schema: 'dada',
      input_text: 'Eine Blume',
      output_config: 'none',
    });
    const { comments } = await readSse(`${ctx.url}${res.body.links.stream}`);
    expect(comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(5);
  });

  it('adds one close listener per connection, however many events it sends', async () => {
    const ctx = await slowApp(5);
    // Sample the close listeners of the stream's request and response at every write.
    const samples: number[] = [];
    const outer = express();
    outer.use((req, res, next) => {
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      res.write = ((...args: unknown[]) => {
        if (req.path.endsWith('/stream'))
          samples.push(req.listenerCount('close') + res.listenerCount('close'));
        return write(...args);
      }) as typeof res.write;
      next();
    });
    outer.use(ctx.app);
    const server = await listen(outer);
    closers.push(server.close);
    const res = await startAsync(ctx.app, { schema: 'stillepost', input_text: 'Ein Baum' });
    const { events } = await readSse(`${server.url}${res.body.links.stream}`);
    expect(itemsOf(events)).toHaveLength(14);
    expect(samples.length).toBeGreaterThan(28);
    expect(new Set(samples).size).toBe(1);
  });

  it('replays a finished run (status and all items) and ends; 404 for an unknown one', async () => {
    const ctx = await testApp();
    const server = await listen(ctx.app);
    closers.push(server.close);
    const run = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Ein Hakenkreuz' });
    await ctx.tracing.forceFlush();
    const { events } = await readSse(
      `${server.url}/api/executions/${run.body.execution_id}/stream`,
    );
    expect(itemsOf(events).map((i) => i.item_type)).toEqual([
      'pipeline_start',
      'user_input_text',
      'stage1_safety_check',
      'stage1_blocked',
      'pipeline_complete',
    ]);
    expect(events.filter((e) => e.event === 'state').at(-1)!.data).toMatchObject({
      step: 'done',
    });
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { status: 'blocked' } });
    const missing = await readSse(
      `${server.url}/api/executions/exec_20260101_000000_0000abcd/stream`,
    );
    expect(missing.status).toBe(404);
  });
});
