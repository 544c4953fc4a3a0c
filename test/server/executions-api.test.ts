import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { BackendSettings } from '../../src/pipeline/backends/backend-registry.js';
import { listen } from '../helpers/listen.js';
import { captureLogger } from '../helpers/log-capture.js';
import { readSse } from '../helpers/sse-client.js';
import { startOllamaStandIn } from '../helpers/stand-ins/ollama-stand-in.js';
import { testApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/eventually.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;
const EXECUTE = '/api/schema/pipeline/execute';

async function seed(ctx: Ctx) {
  const bodies = [
    { schema: 'dada', input_text: 'Eine Blume', user_id: 'u1', session_id: 's1' },
    { schema: 'stillepost', input_text: 'Ein Baum', user_id: 'u2', session_id: 's1' },
    { schema: 'dada', input_text: 'Ein Hakenkreuz', user_id: 'u1', session_id: 's2' },
    {
      schema: 'image_comparison',
      input_text: 'Ein Skelett',
      safety_level: 'youth',
      user_id: 'u3',
      session_id: 's2',
    },
  ];
  const ids: string[] = [];
  for (const body of bodies)
    ids.push((await request(ctx.app).post(EXECUTE).send(body)).body.execution_id);
  await ctx.tracing.forceFlush();
  return ids;
}

/** Reads a Server-Sent Events response to its end. */
const readEvents = (url: string) => readSse(url);

describe('executions API', () => {
  it('lists newest first with filters, pagination and the documented shape', async () => {
    const ctx = await testApp();
    const ids = await seed(ctx);
    const all = await request(ctx.app).get('/api/executions');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 4, limit: 50, offset: 0, returned: 4, filters: {} });
    expect(all.body.executions.map((e: { execution_id: string }) => e.execution_id)).toEqual(
      [...ids].reverse(),
    );
    const dada = await request(ctx.app).get('/api/executions?config=dada&user_id=u1');
    expect(dada.body.total).toBe(2);
    expect(dada.body.filters).toEqual({ config: 'dada', user_id: 'u1' });
    expect(
      (await request(ctx.app).get('/api/executions?status=blocked')).body.executions.map(
        (e: { execution_id: string }) => e.execution_id,
      ),
    ).toEqual([ids[2]]);
    expect(
      (await request(ctx.app).get('/api/executions?safety_level=youth&session_id=s2')).body.total,
    ).toBe(1);
    const page = await request(ctx.app).get('/api/executions?limit=2&offset=1');
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 1, returned: 2 });
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    expect(
      (await request(ctx.app).get(`/api/executions?since=${day}&until=${day}`)).body.total,
    ).toBe(4);
    expect((await request(ctx.app).get('/api/executions?until=2000-01-01')).body.total).toBe(0);
    expect((await request(ctx.app).get('/api/runs?config=stillepost')).body.total).toBe(1);
  });

  it('gets a record with its Jaeger link, deletes it with its media', async () => {
    const ctx = await testApp();
    const [id] = await seed(ctx);
    const got = await request(ctx.app).get(`/api/executions/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      execution_id: id,
      trace_url: `http://jaeger.test/trace/${got.body.trace_id}`,
    });
    const media = got.body.items.find((i: { item_type: string }) => i.item_type === 'output_image')
      .file_path as string;
    expect(existsSync(media)).toBe(true);
    const file = media.split('/').pop();
    expect(
      (await request(ctx.app).get(`/api/executions/${id}/media/${file}`)).headers['content-type'],
    ).toBe('image/png');
    expect(
      (await request(ctx.app).get(`/api/executions/${id}/media/..%2F..%2Fsecret`)).status,
    ).toBe(400);
    expect((await request(ctx.app).delete(`/api/runs/${id}`)).status).toBe(204);
    expect(existsSync(media)).toBe(false);
    expect((await request(ctx.app).get(`/api/executions/${id}`)).status).toBe(404);
  });

  it('says plainly when a stored record file is damaged, and keeps serving the others', async () => {
    const ctx = await testApp();
    const [id, other] = await seed(ctx);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${ctx.store.directory}/${id}.json`, '{"execution_id": "broken');
    const res = await request(ctx.app).get(`/api/executions/${id}`);
    expect(res.status).toBe(500);
    expect(res.body.error).toMatchObject({ code: 'record_unreadable' });
    expect(res.body.error.message).toMatch(
      new RegExp(`${id}\\.json: not a readable execution record: invalid JSON`),
    );
    expect((await request(ctx.app).get(`/api/executions/${other}`)).status).toBe(200);
    expect((await request(ctx.app).get('/api/executions/export/jsonl')).status).toBe(200);
  });

  it('never quotes a damaged record in the answer or the log, only its file', async () => {
    const { logger, text } = captureLogger();
    const ctx = await testApp({ app: { logger } });
    const [id, other] = await seed(ctx);
    const words = 'Mia malt ihren geheimen Drachen';
    const damaged = [
      `{"execution_id": "${id}", "items": [{"content": "${words}`,
      `{"execution_id": "${id}", "user_id": {"${words}": 1}, "items": "${words}"}`,
      `${words}`,
    ];
    for (const bytes of damaged) {
      await writeFile(`${ctx.store.directory}/${id}.json`, bytes);
      const res = await request(ctx.app).get(`/api/executions/${id}`);
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('record_unreadable');
      expect(res.body.error.message).toContain(`${id}.json: not a readable execution record`);
      expect(res.text).not.toMatch(/Mia|geheim|Drachen/);
    }
    expect(text()).toContain(`${id}.json`);
    expect(text()).not.toMatch(/Mia|geheim|Drachen/);
    expect((await request(ctx.app).get(`/api/executions/${other}`)).status).toBe(200);
  });

  it('reports store stats', async () => {
    const ctx = await testApp();
    await seed(ctx);
    const stats = await request(ctx.app).get('/api/executions/stats');
    expect(stats.body).toMatchObject({ records: 4, unreadable: 0 });
    expect(stats.body.bytes).toBeGreaterThan(1000);
  });

  it('exports json, the QDA xml shape, and jsonl in bulk', async () => {
    const ctx = await testApp();
    const ids = await seed(ctx);
    const json = await request(ctx.app).get(`/api/executions/${ids[0]}/export/json`);
    expect(json.headers['content-disposition']).toContain(`${ids[0]}.json`);
    expect(JSON.parse(json.text).execution_id).toBe(ids[0]);
    const xml = await request(ctx.app).get(`/api/executions/${ids[0]}/export/xml`);
    expect(xml.headers['content-type']).toMatch(/application\/xml/);
    expect(xml.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<export>\n {2}<session>\n {4}<id>exec_/,
    );
    for (const tag of ['user', 'timestamp', 'workflow', 'seed', 'safety_level', 'prompts'])
      expect(xml.text).toContain(`<${tag}>`);
    expect(xml.text).toContain('      <original>Eine Blume</original>');
    expect(xml.text).toMatch(/<output order="2" type="image" node_title="sd35_large">/);
    expect((await request(ctx.app).get(`/api/executions/${ids[0]}/export/pdf`)).status).toBe(400);
    const bulk = await request(ctx.app).get('/api/executions/export/jsonl?config=dada');
    expect(bulk.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = bulk.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { execution_id: string; items: unknown[] });
    expect(lines.map((l) => l.execution_id)).toEqual([ids[2], ids[0]]);
    expect(lines[0]!.items.length).toBeGreaterThan(3);
  });

  it('escapes XML and reports characters XML cannot hold instead of dropping them', async () => {
    const ctx = await testApp();
    const res = await request(ctx.app).post(EXECUTE).send({
      schema: 'dada',
      input_text: 'A <b>"cat"</b> & \u0001dog',
      input_language: 'en',
      output_config: 'none',
    });
    await ctx.tracing.forceFlush();
    const xml = (await request(ctx.app).get(`/api/executions/${res.body.execution_id}/export/xml`))
      .text;
    expect(xml).toContain(
      '<original escaped="true">A &lt;b&gt;"cat"&lt;/b&gt; &amp; \\u{0001}dog</original>',
    );
  });

  it('reports health: store writable, record path and OTLP state', async () => {
    const ctx = await testApp();
    await seed(ctx);
    const health = await request(ctx.app).get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      store: { writable: true, records: 4 },
      record_path: { records_saved: 4, save_failures: 0 },
      otlp: { enabled: false },
    });
  });
});

describe('live stream (SSE)', () => {
  it('replays a finished run and closes', async () => {
    const ctx = await testApp();
    const [id] = await seed(ctx);
    const server = await listen(ctx.app);
    const { status, events } = await readEvents(`${server.url}/api/executions/${id}/stream`);
    await server.close();
    expect(status).toBe(200);
    expect(events.map((e) => e.event)).toEqual([
      'state',
      ...Array(8).fill(['item', 'state']).flat(),
      'end',
    ]);
    expect(events.at(-1)!.data).toEqual({ status: 'completed' });
  });

  it('streams a running run live, from its first item to its end', async () => {
    const ollama = await startOllamaStandIn({ delayMillis: 400 });
    const backends: BackendSettings = {
      llm: { eco: 'ollama', fast: 'offline' },
      media: { eco: 'offline', fast: 'offline' },
      ollama: { baseUrl: ollama.url },
    };
    const ctx = await testApp({ backends, tracing: { record: { checkpointDelayMillis: 1 } } });
    const server = await listen(ctx.app);
    const pending = request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Eine Blume', output_config: 'none' });
    const finished = pending.then((r) => r);
    // The run's stage 1 checkpoint appears while stage 1 waits for the (slow) translation.
    const id = await eventually(async () => {
      const listed = await request(ctx.app).get('/api/executions?status=incomplete');
      return (listed.body.executions[0]?.execution_id as string | undefined) ?? false;
    });
    const stream = readEvents(`${server.url}/api/executions/${id}/stream`);
    const [{ events }, response] = await Promise.all([stream, finished]);
    await server.close();
    await ollama.close();
    expect(response.status).toBe(200);
    const items = events.filter((e) => e.event !== 'state');
    expect(items.map((e) => (e.data as { item_type?: string }).item_type ?? e.event)).toEqual([
      'pipeline_start',
      'user_input_text',
      'stage1_safety_check',
      'translation_result',
      'interception_final',
      'pipeline_complete',
      'end',
    ]);
  });

  it('404 for a stream of an unknown run', async () => {
    const ctx = await testApp();
    expect(
      (await request(ctx.app).get('/api/executions/exec_20260101_000000_0000abcd/stream')).status,
    ).toBe(404);
  });
});
