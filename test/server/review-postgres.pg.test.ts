import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRecordStore } from '../../src/store/postgres-record-store.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { buildItem, buildRecord } from '../helpers/record-builder.js';
import { testApp } from '../helpers/test-app.js';

let server: TestPostgres;
const opened: PostgresRecordStore[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
});

afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
  await server?.stop();
});

async function worker(url: string) {
  const store = await PostgresRecordStore.open(url, { poolSize: 2 });
  opened.push(store);
  return { ...(await testApp({ store })), store };
}

function run() {
  const record = buildRecord();
  record.items = [buildItem(1, 'pipeline_start', 0), buildItem(2, 'pipeline_complete', 5)];
  return record;
}

describe('review on PostgreSQL across workers', () => {
  it('one worker’s judgments show in another’s queue, progress and agreement, and after a restart', async () => {
    const url = await server.createDatabase();
    const one = await worker(url);
    const two = await worker(url);
    const runs = [run(), run()];
    for (const r of runs) await one.store.save(r);
    const judge = (app: typeof one.app, id: string, reviewer: string, value: string) =>
      request(app)
        .post(`/api/executions/${id}/annotations`)
        .send({ rubric: 'child_idea', key: 'block_judgment', value, reviewer })
        .expect(201);
    await judge(one.app, runs[0]!.execution_id, 'anna', 'right');
    await judge(two.app, runs[0]!.execution_id, 'ben', 'over_blocked');
    await judge(one.app, runs[1]!.execution_id, 'anna', 'right');

    const queue = await request(two.app).get(
      '/api/review/queue?rubric=child_idea&reviewers_per_run=2&reviewer=anna',
    );
    expect(queue.body).toMatchObject({ next: null, judged: 2, complete: 1, total: 2 });
    const progress = await request(two.app).get('/api/review/progress?rubric=child_idea');
    expect(progress.body.reviewers).toEqual([
      { reviewer: 'anna', judged: 2 },
      { reviewer: 'ben', judged: 1 },
    ]);
    const agreement = (app: typeof one.app) =>
      request(app).get('/api/annotations/agreement?rubric=child_idea&key=block_judgment');
    const seen = (await agreement(two.app)).body;
    expect(seen).toMatchObject({ units: 2, pairable_units: 1, reviewers: ['anna', 'ben'] });
    expect(seen.disagreements).toEqual([
      {
        execution_id: runs[0]!.execution_id,
        target: null,
        values: { anna: 'right', ben: 'over_blocked' },
      },
    ]);

    await one.store.close();
    const restarted = await worker(url);
    expect((await agreement(restarted.app)).body).toEqual(seen);
  });
});
