import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../src/domain/annotation.js';
import { buildItem, buildRecord } from '../helpers/record-builder.js';
import { bearerFor, ROLE_TOKEN_ENTRIES } from '../helpers/role-tokens.js';
import { testApp } from '../helpers/test-app.js';

/** A run with an interception result (item 2) and one image output (loop 1, item 3). */
function judgedRun(overrides: Parameters<typeof buildRecord>[0] = {}) {
  const record = buildRecord(overrides);
  record.items = [
    buildItem(1, 'pipeline_start', 0),
    buildItem(2, 'interception_final', 2, { content: 'Ein Drache aus Wolken' }),
    buildItem(3, 'output_image', 4, { loop_iteration: 1, media_type: 'image' }),
    buildItem(4, 'pipeline_complete', 5),
  ];
  return record;
}

async function withTokens() {
  const ctx = await testApp({ app: { tokens: ROLE_TOKEN_ENTRIES } });
  const run = judgedRun();
  await ctx.store.save(run);
  const post = (body: object, role: 'reviewer' | 'admin' | 'viewer' = 'reviewer') =>
    request(ctx.app)
      .post(`/api/executions/${run.execution_id}/annotations`)
      .set(bearerFor(role))
      .send(body);
  return { ...ctx, run, post };
}

describe('GET /api/rubrics', () => {
  it('lists the shipped rubrics with their items and labels in both languages', async () => {
    const { app } = await testApp();
    const res = await request(app).get('/api/rubrics');
    expect(res.status).toBe(200);
    const rubric = res.body.rubrics.find((r: { id: string }) => r.id === 'child_idea');
    expect(rubric).toMatchObject({
      version: '1.0',
      labels: { de: expect.any(String), en: expect.any(String) },
    });
    expect(rubric.items.map((i: { key: string }) => i.key)).toContain('faithfulness');
  });
});

describe('annotations API', () => {
  it('stores a judgment by the token’s reviewer with the rubric’s version, and lists it', async () => {
    const { app, run, post } = await withTokens();
    const res = await post({
      rubric: 'child_idea',
      key: 'faithfulness',
      value: 'mostly',
      target: { loop_iteration: 1 },
      note: 'Der Drache ist da, die Wolken fehlen',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      annotation_id: expect.stringMatching(/^ann_[0-9a-f]{16}$/),
      execution_id: run.execution_id,
      rubric: 'child_idea',
      rubric_version: '1.0',
      key: 'faithfulness',
      value: 'mostly',
      target: { loop_iteration: 1 },
      reviewer: 'reviewer-1',
      history: [],
      deleted_at: null,
    });
    const list = await request(app)
      .get(`/api/executions/${run.execution_id}/annotations`)
      .set(bearerFor('viewer'));
    expect(list.body.annotations).toEqual([res.body]);
    expect(
      (await post({ rubric: 'child_idea', key: 'surprise', value: true }, 'viewer')).status,
    ).toBe(403);
  });

  it.each([
    ['an unknown rubric', { rubric: 'nope', key: 'surprise', value: true }, 'rubric'],
    ['an unknown key', { rubric: 'child_idea', key: 'beauty', value: true }, 'key'],
    [
      'a value not among the values',
      { rubric: 'child_idea', key: 'age_fit', value: 'huge', target: { loop_iteration: 1 } },
      'value',
    ],
    [
      'an interval value out of range',
      { rubric: 'child_idea', key: 'output_quality', value: 9, target: { loop_iteration: 1 } },
      'value',
    ],
    [
      'a target on a run item',
      { rubric: 'child_idea', key: 'surprise', value: true, target: { sequence_number: 2 } },
      'target',
    ],
    ['a missing target', { rubric: 'child_idea', key: 'faithfulness', value: 'fully' }, 'target'],
    [
      'an output that is not in the run',
      { rubric: 'child_idea', key: 'faithfulness', value: 'fully', target: { loop_iteration: 7 } },
      'target',
    ],
    [
      'a malformed target',
      { rubric: 'child_idea', key: 'faithfulness', value: 'fully', target: { loop: 1 } },
      'target',
    ],
    [
      'an item of the wrong type',
      { rubric: 'child_idea', key: 'creativity', value: 'high', target: { sequence_number: 3 } },
      'scope',
    ],
    [
      'an output for an item judgment',
      { rubric: 'child_idea', key: 'creativity', value: 'high', target: { loop_iteration: 1 } },
      'scope',
    ],
  ])('refuses %s with 400 naming the field', async (_what, body, field) => {
    const { post } = await withTokens();
    const res = await post(body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_annotation', details: { field } });
  });

  it('takes the reviewer from the request without tokens, and needs it there', async () => {
    const { app, store } = await testApp();
    const run = judgedRun();
    await store.save(run);
    const url = `/api/executions/${run.execution_id}/annotations`;
    const missing = await request(app)
      .post(url)
      .send({ rubric: 'child_idea', key: 'surprise', value: true });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual({ field: 'reviewer' });
    const res = await request(app)
      .post(url)
      .send({ rubric: 'child_idea', key: 'surprise', value: true, reviewer: 'Frau Meier' });
    expect(res.status).toBe(201);
    expect(res.body.reviewer).toBe('Frau Meier');
    const del = await request(app).delete(`${url}/${res.body.annotation_id}?reviewer=Herr%20Kim`);
    expect(del.status).toBe(403);
    expect(del.body.error.code).toBe('not_author');
  });

  it('lets only the author change or delete a judgment, keeping who, when and the old value', async () => {
    const { app, run, post } = await withTokens();
    const created = (await post({ rubric: 'child_idea', key: 'block_judgment', value: 'right' }))
      .body as Annotation;
    const url = `/api/executions/${run.execution_id}/annotations/${created.annotation_id}`;
    const byOther = await request(app)
      .put(url)
      .set(bearerFor('admin'))
      .send({ value: 'over_blocked' });
    expect(byOther.status).toBe(403);
    expect(byOther.body.error).toMatchObject({
      code: 'not_author',
      details: { author: 'reviewer-1' },
    });
    const bad = await request(app).put(url).set(bearerFor('reviewer')).send({ value: 'maybe' });
    expect(bad.body.error.details.field).toBe('value');
    const changed = await request(app)
      .put(url)
      .set(bearerFor('reviewer'))
      .send({ value: 'over_blocked', note: 'harmloses Wort' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ value: 'over_blocked', note: 'harmloses Wort' });
    expect(changed.body.history).toEqual([
      {
        action: 'updated',
        by: 'reviewer-1',
        at: changed.body.updated_at,
        old_value: 'right',
        old_note: null,
      },
    ]);
    expect((await request(app).delete(url).set(bearerFor('reviewer'))).status).toBe(204);
    expect((await request(app).delete(url).set(bearerFor('reviewer'))).status).toBe(404);
    const list = `/api/executions/${run.execution_id}/annotations`;
    expect((await request(app).get(list).set(bearerFor('viewer'))).body.annotations).toEqual([]);
    const all = await request(app).get(`${list}?include_deleted=true`).set(bearerFor('viewer'));
    expect(all.body.annotations[0].history.map((h: { action: string }) => h.action)).toEqual([
      'updated',
      'deleted',
    ]);
  });

  it('refuses a second judgment of the same item by the same reviewer (409, naming the first)', async () => {
    const { post } = await withTokens();
    const first = await post({ rubric: 'child_idea', key: 'surprise', value: true });
    const second = await post({ rubric: 'child_idea', key: 'surprise', value: false });
    expect(second.status).toBe(409);
    expect(second.body.error.details).toEqual({ annotation_id: first.body.annotation_id });
  });

  it('answers 404 for a run that is not there', async () => {
    const { app } = await withTokens();
    const id = buildRecord().execution_id;
    const res = await request(app)
      .post(`/api/executions/${id}/annotations`)
      .set(bearerFor('reviewer'))
      .send({ rubric: 'child_idea', key: 'surprise', value: true });
    expect(res.status).toBe(404);
    expect(
      (await request(app).get(`/api/executions/${id}/annotations`).set(bearerFor('viewer'))).status,
    ).toBe(404);
  });
});

describe('GET /api/annotations/agreement', () => {
  it('gives alpha, kappas and the disagreements of two reviewers, within the list filters', async () => {
    const { app, store } = await testApp();
    const values = [
      ['fully', 'fully'],
      ['mostly', 'partly'],
      ['lost', 'lost'],
      ['partly', 'partly'],
      ['mostly', 'mostly'],
    ];
    const runs = values.map((_, n) => judgedRun({ config_name: n < 4 ? 'dada' : 'bauhaus' }));
    for (const run of runs) await store.save(run);
    for (const [n, run] of runs.entries())
      for (const [r, reviewer] of ['anna', 'ben'].entries())
        await request(app)
          .post(`/api/executions/${run.execution_id}/annotations`)
          .send({
            rubric: 'child_idea',
            key: 'faithfulness',
            value: values[n]![r],
            target: { loop_iteration: 1 },
            reviewer,
          })
          .expect(201);
    const res = await request(app).get(
      '/api/annotations/agreement?rubric=child_idea&key=faithfulness',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      rubric: 'child_idea',
      key: 'faithfulness',
      metric: 'ordinal',
      rubric_versions: ['1.0'],
      units: 5,
      pairable_units: 5,
      reviewers: ['anna', 'ben'],
      disagreements: [
        {
          execution_id: runs[1]!.execution_id,
          target: { loop_iteration: 1 },
          values: { anna: 'mostly', ben: 'partly' },
        },
      ],
    });
    expect(res.body.krippendorff_alpha).toBeGreaterThan(0.8);
    // p_o = 4/5, p_e = (1·1 + 2·1 + 1·1 + 1·2)/25 = 6/25.
    expect(res.body.cohen_kappa).toBeCloseTo((0.8 - 0.24) / (1 - 0.24), 12);
    const dada = await request(app).get(
      '/api/annotations/agreement?rubric=child_idea&key=faithfulness&config=bauhaus',
    );
    expect(dada.body).toMatchObject({
      units: 1,
      filters: { config: 'bauhaus' },
      disagreements: [],
    });
    expect(dada.body.krippendorff_alpha).toBeNull();
  });

  it('refuses a text item and an unknown key with 400 naming the field', async () => {
    const { app } = await testApp();
    const text = await request(app).get('/api/annotations/agreement?rubric=child_idea&key=comment');
    expect(text.body.error.details.field).toBe('key');
    const unknown = await request(app).get('/api/annotations/agreement?rubric=none&key=x');
    expect(unknown.body.error.details.field).toBe('rubric');
  });
});

describe('review queue and blind mode', () => {
  it('gives two reviewers the runs they have not judged until each run has two, hiding others’ judgments until they judged', async () => {
    const { app, store } = await testApp();
    const runs = [judgedRun(), judgedRun(), judgedRun()];
    for (const run of runs) await store.save(run);
    const queue = (reviewer: string) =>
      request(app).get(
        `/api/review/queue?rubric=child_idea&reviewers_per_run=2&reviewer=${reviewer}`,
      );
    const judge = (id: string, reviewer: string, value: string) =>
      request(app)
        .post(`/api/executions/${id}/annotations`)
        .send({ rubric: 'child_idea', key: 'block_judgment', value, reviewer })
        .expect(201);
    let hidden = 0;
    const seen = new Map<string, string[]>([
      ['anna', []],
      ['ben', []],
    ]);
    for (let round = 0; round < 3; round++)
      for (const reviewer of ['anna', 'ben']) {
        const state = await queue(reviewer);
        expect(state.status).toBe(200);
        const next = state.body.next as string;
        const blind = await request(app).get(
          `/api/executions/${next}/annotations?blind=child_idea&reviewer=${reviewer}`,
        );
        const others = await request(app).get(`/api/executions/${next}/annotations`);
        expect(blind.body.annotations).toEqual([]);
        hidden += others.body.annotations.length;
        await judge(next, reviewer, 'right');
        const after = await request(app).get(
          `/api/executions/${next}/annotations?blind=child_idea&reviewer=${reviewer}`,
        );
        const full = await request(app).get(`/api/executions/${next}/annotations`);
        expect(after.body.annotations).toEqual(full.body.annotations);
        seen.get(reviewer)!.push(next);
      }
    expect(hidden).toBe(3); // each run's second reviewer did not see the first one's judgment
    expect(new Set(seen.get('anna')).size).toBe(3);
    expect(new Set(seen.get('ben')).size).toBe(3);
    expect((await queue('anna')).body).toMatchObject({
      next: null,
      judged: 3,
      open: 0,
      complete: 3,
      total: 3,
    });
    expect((await queue('carla')).body).toMatchObject({
      next: null,
      judged: 0,
      open: 0,
      complete: 3,
    });
  });
});
