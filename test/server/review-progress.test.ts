import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildItem, buildRecord } from '../helpers/record-builder.js';
import { bearerFor, ROLE_TOKEN_ENTRIES } from '../helpers/role-tokens.js';
import { testApp } from '../helpers/test-app.js';

function run(config: string) {
  const record = buildRecord({ config_name: config });
  record.items = [buildItem(1, 'pipeline_start', 0), buildItem(2, 'pipeline_complete', 5)];
  return record;
}

describe('GET /api/review/progress', () => {
  it('gives every reviewer’s progress in the queue the filters make', async () => {
    const { app, store } = await testApp();
    const runs = [run('dada'), run('dada'), run('bauhaus')];
    for (const r of runs) await store.save(r);
    const judge = (id: string, reviewer: string) =>
      request(app)
        .post(`/api/executions/${id}/annotations`)
        .send({ rubric: 'child_idea', key: 'surprise', value: true, reviewer })
        .expect(201);
    await judge(runs[0]!.execution_id, 'anna');
    await judge(runs[0]!.execution_id, 'ben');
    await judge(runs[1]!.execution_id, 'anna');
    await judge(runs[2]!.execution_id, 'carla');
    const res = await request(app).get(
      '/api/review/progress?rubric=child_idea&reviewers_per_run=2&config=dada',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      rubric: 'child_idea',
      reviewers_per_run: 2,
      filters: { config: 'dada' },
      total: 2,
      complete: 1,
      reviewers: [
        { reviewer: 'anna', judged: 2 },
        { reviewer: 'ben', judged: 1 },
      ],
    });
  });

  it('answers 400 naming the rubric when it is unknown, and lets a viewer ask', async () => {
    const { app } = await testApp({ app: { tokens: ROLE_TOKEN_ENTRIES } });
    const unknown = await request(app)
      .get('/api/review/progress?rubric=nope')
      .set(bearerFor('viewer'));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toMatchObject({ field: 'rubric', allowed: ['child_idea'] });
    const viewer = await request(app)
      .get('/api/review/progress?rubric=child_idea')
      .set(bearerFor('viewer'));
    expect(viewer.status).toBe(200);
    expect(viewer.body).toMatchObject({ reviewers_per_run: 2, total: 0, reviewers: [] });
  });
});
