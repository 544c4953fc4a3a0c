import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testApp } from '../helpers/test-app.js';

type Ctx = Awaited<ReturnType<typeof testApp>>;
const EXECUTE = '/api/schema/pipeline/execute';

async function run(ctx: Ctx, input_text: string, user_id: string, session_id = 'class-7a') {
  const res = await request(ctx.app)
    .post(EXECUTE)
    .send({ schema: 'dada', input_text, user_id, session_id });
  expect(res.status).toBe(200);
  return res.body.execution_id as string;
}

const ids = (res: request.Response) =>
  res.body.executions.map((e: { execution_id: string }) => e.execution_id);

describe('GET /api/executions search', () => {
  it('finds runs by a word of the German prompt and of its English translation, with the filters', async () => {
    const ctx = await testApp();
    const flower = await run(ctx, 'Eine Blume auf der Wiese', 'kind-anna');
    const tree = await run(ctx, 'Ein Baum im Wald', 'kind-ben');
    await ctx.tracing.forceFlush();

    const byGerman = await request(ctx.app).get('/api/executions?q=Blumen');
    expect(byGerman.status).toBe(200);
    expect(ids(byGerman)).toEqual([flower]);
    expect(byGerman.body.filters).toEqual({ q: 'Blumen' });
    expect(ids(await request(ctx.app).get('/api/executions?q=flowers'))).toEqual([flower]);
    expect(ids(await request(ctx.app).get('/api/executions?q=tree&user_id_prefix=kind-'))).toEqual([
      tree,
    ]);
    expect(ids(await request(ctx.app).get('/api/executions?q=tree&user_id_prefix=kind-a'))).toEqual(
      [],
    );
    const listed = await request(ctx.app).get('/api/executions?session_id_prefix=class');
    expect(listed.body.total).toBe(2);
    expect(listed.body.executions[1]).toMatchObject({
      execution_id: flower,
      prompt_excerpt: 'Eine Blume auf der Wiese',
    });
  });

  it('exports what a search finds (JSONL), the search named in the filters', async () => {
    const ctx = await testApp();
    const cat = await run(ctx, 'Eine Katze im Baum', 'kind-c');
    await run(ctx, 'Ein Hund', 'kind-d');
    await ctx.tracing.forceFlush();
    const res = await request(ctx.app).get('/api/executions/export/jsonl?q=cats');
    expect(res.status).toBe(200);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { execution_id: string });
    expect(lines.map((r) => r.execution_id)).toEqual([cat]);
  });

  it('refuses an empty or overlong q and unknown prefix parameters with a 400', async () => {
    const ctx = await testApp();
    for (const query of ['q=', 'q=%20%20', `q=${'a'.repeat(201)}`, 'user_prefix=u']) {
      const res = await request(ctx.app).get(`/api/executions?${query}`);
      expect(res.status, query).toBe(400);
    }
  });
});
