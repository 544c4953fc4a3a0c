import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testApp } from '../helpers/test-app.js';

const EXECUTE = '/api/schema/pipeline/execute';

describe('study and condition of runs', () => {
  it('records them from the execute request and filters the list by them', async () => {
    const ctx = await testApp();
    const ids: string[] = [];
    for (const condition of ['control', 'treatment', undefined]) {
      const res = await request(ctx.app)
        .post(EXECUTE)
        .send({
          schema: 'dada',
          input_text: 'Ein Baum',
          output_config: 'none',
          ...(condition ? { study_id: 'kunst-2026', condition } : {}),
        });
      expect(res.status).toBe(200);
      ids.push(res.body.execution_id as string);
    }
    await ctx.tracing.forceFlush();
    const [control, treatment, none] = ids as [string, string, string];
    expect(await ctx.store.get(control)).toMatchObject({
      study_id: 'kunst-2026',
      condition: 'control',
    });
    const plain = (await ctx.store.get(none))!;
    expect('study_id' in plain || 'condition' in plain).toBe(false);

    const list = async (query: string) =>
      (await request(ctx.app).get(`/api/executions?${query}`)).body.executions.map(
        (e: { execution_id: string }) => e.execution_id,
      ) as string[];
    expect((await list('study_id=kunst-2026')).sort()).toEqual([control, treatment].sort());
    expect(await list('study_id=kunst-2026&condition=treatment')).toEqual([treatment]);
  });

  it('refuses a study id or condition that is not a short label, saying which', async () => {
    const ctx = await testApp();
    const bad = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Ein Baum', study_id: 'Kunst 2026; Klasse 3b' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('study_id');
    const filter = await request(ctx.app).get('/api/executions?condition=%3Cscript%3E');
    expect(filter.status).toBe(400);
    expect(JSON.stringify(filter.body)).toContain('condition');
  });
});
