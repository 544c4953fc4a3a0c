import { access } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { BackendSettings } from '../../src/pipeline/backends/backend-registry.js';
import { startOllamaStandIn } from '../helpers/stand-ins/ollama-stand-in.js';
import { testApp } from '../helpers/test-app.js';
import { eventually } from '../helpers/eventually.js';

const EXECUTE = '/api/schema/pipeline/execute';
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('a confirmed run is saved', () => {
  it('every answer comes after the final save: a GET right after it returns the final record', async () => {
    const ctx = await testApp();
    const flows = [
      { schema: 'dada', input_text: 'Eine Blume', output_config: 'none' },
      { schema: 'dada', input_text: 'Eine Blume' },
      { schema: 'stillepost', input_text: 'Eine Blume', output_config: 'none' },
      { schema: 'dada', input_text: 'Ein Hakenkreuz' },
    ];
    for (const body of flows) {
      const answer = await request(ctx.app).post(EXECUTE).send(body);
      expect([200, 403]).toContain(answer.status);
      expect(answer.body.record).toBe('saved');
      const record = await request(ctx.app).get(`/api/executions/${answer.body.execution_id}`);
      expect(record.status).toBe(200);
      expect(record.body.status).toBe(answer.status === 403 ? 'blocked' : 'completed');
      expect(record.body.items.at(-1).item_type).toBe('pipeline_complete');
    }
  });

  it('the first checkpoint, with pipeline_start and the input, exists while stage 1 still runs', async () => {
    const ollama = await startOllamaStandIn({ delayMillis: 500 });
    const backends: BackendSettings = {
      llm: { eco: 'ollama', fast: 'offline' },
      media: { eco: 'offline', fast: 'offline' },
      ollama: { baseUrl: ollama.url },
    };
    const ctx = await testApp({ backends });
    const finished = request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Eine Blume', output_config: 'none' })
      .then((r) => r);
    // Stage 1 waits on the (slow) LLM; the first checkpoint is saved before it asks.
    await eventually(() => expect(ollama.requests.length).toBeGreaterThan(0));
    const listed = (await request(ctx.app).get('/api/executions?status=incomplete')).body;
    expect(listed.total).toBe(1);
    const record = (await ctx.store.get(listed.executions[0].execution_id))!;
    expect(record.items.map((i) => [i.item_type, i.stage, i.content])).toEqual([
      ['pipeline_start', 0, null],
      ['user_input_text', 1, 'Eine Blume'],
    ]);
    expect((await finished).body.record).toBe('saved');
    await ollama.close();
  });

  it('delete during a run stays deleted: later saves are dropped, media removed, never listed again', async () => {
    // Stage 2 is slow, so the run is deleted while it is still going; stage 4 writes media after.
    const ollama = await startOllamaStandIn({
      delayMillis: 300,
      reply: (system) => (system.startsWith('Translate') ? 'A flower' : 'A dada flower'),
    });
    const backends: BackendSettings = {
      llm: { eco: 'ollama', fast: 'offline' },
      media: { eco: 'offline', fast: 'offline' },
      ollama: { baseUrl: ollama.url },
    };
    const ctx = await testApp({ backends });
    const finished = request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Eine Blume' })
      .then((r) => r);
    const id = await eventually(
      async () =>
        ((await request(ctx.app).get('/api/executions')).body.executions[0]?.execution_id as
          string | undefined) ?? false,
    );
    expect((await request(ctx.app).delete(`/api/executions/${id}`)).status).toBe(204);
    const answer = await finished;
    expect(answer.body.execution_id).toBe(id);
    expect(answer.body.record).toBe('discarded');
    await ctx.tracing.forceFlush();
    expect((await request(ctx.app).get(`/api/executions/${id}`)).status).toBe(404);
    expect((await request(ctx.app).get('/api/executions')).body.total).toBe(0);
    // Media written after the delete are removed once the run ends.
    await eventually(async () => expect(await exists(join(ctx.mediaDir, id))).toBe(false));
    await ollama.close();
  });

  it('media of a run whose record is missing can still be deleted', async () => {
    const ctx = await testApp();
    const answer = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Blume' });
    const id = answer.body.execution_id as string;
    expect(await exists(join(ctx.mediaDir, id))).toBe(true);
    await ctx.store.delete(id);
    expect((await request(ctx.app).delete(`/api/executions/${id}`)).status).toBe(204);
    expect(await exists(join(ctx.mediaDir, id))).toBe(false);
    expect((await request(ctx.app).delete(`/api/executions/${id}`)).status).toBe(404);
  });
});
