import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildRecord } from '../helpers/record-builder.js';
import { testApp } from '../helpers/test-app.js';

const TOKEN = 'a-long-enough-test-token';
const auth = `Bearer ${TOKEN}`;

describe('POST /api/erasure', () => {
  it('is refused with 403 when no API_TOKEN is configured, and erases nothing', async () => {
    const { app, store } = await testApp();
    const record = buildRecord({ user_id: 'child-1' });
    await store.save(record);
    const res = await request(app).post('/api/erasure').send({ user_id: 'child-1' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'erasure_needs_token' });
    expect(res.body.error.message).toMatch(/API_TOKEN/);
    expect(await store.get(record.execution_id)).not.toBeNull();
    expect((await request(app).get('/api/erasure/log')).status).toBe(403);
  });

  it('needs the token when one is configured', async () => {
    const { app } = await testApp({ app: { apiToken: TOKEN } });
    expect((await request(app).post('/api/erasure').send({ user_id: 'x' })).status).toBe(401);
    expect((await request(app).get('/api/erasure/log')).status).toBe(401);
  });

  it('erases a user’s records and media through the API and logs it for the auditor', async () => {
    const ctx = await testApp({ app: { apiToken: TOKEN } });
    const mine = [buildRecord({ user_id: 'child-1' }), buildRecord({ user_id: 'child-1' })];
    const other = buildRecord({ user_id: 'child-2' });
    for (const r of [...mine, other]) await ctx.store.save(r);
    await mkdir(join(ctx.mediaDir, mine[0]!.execution_id), { recursive: true });
    await writeFile(join(ctx.mediaDir, mine[0]!.execution_id, 'output_1.png'), 'png');

    const res = await request(ctx.app)
      .post('/api/erasure')
      .set('authorization', auth)
      .send({ user_id: 'child-1' });
    expect(res.status).toBe(200);
    expect(res.body.erased).toMatchObject({
      reason: 'erasure_request',
      source: 'api',
      user_id: 'child-1',
      records_deleted: 2,
      media_dirs_deleted: 1,
    });
    const list = await request(ctx.app).get('/api/executions').set('authorization', auth);
    expect(list.body.executions.map((e: { user_id: string }) => e.user_id)).toEqual(['child-2']);
    await expect(stat(join(ctx.mediaDir, mine[0]!.execution_id))).rejects.toThrow();

    const log = await request(ctx.app).get('/api/erasure/log').set('authorization', auth);
    expect(log.body.entries).toEqual([res.body.erased]);
    const file = await readFile(join(ctx.dir, 'erasure-log.jsonl'), 'utf8');
    expect(JSON.parse(file)).toEqual(res.body.erased);
  });

  it('erases by session id', async () => {
    const ctx = await testApp({ app: { apiToken: TOKEN } });
    await ctx.store.save(buildRecord({ session_id: 'class-4b' }));
    const res = await request(ctx.app)
      .post('/api/erasure')
      .set('authorization', auth)
      .send({ session_id: 'class-4b' });
    expect(res.body.erased).toMatchObject({ session_id: 'class-4b', records_deleted: 1 });
  });

  it('answers 400 unless the body has exactly one of user_id or session_id', async () => {
    const { app } = await testApp({ app: { apiToken: TOKEN } });
    for (const body of [
      {},
      { user_id: 'a', session_id: 'b' },
      { user_id: '' },
      { user_id: 7 },
      { other: 'x' },
    ]) {
      const res = await request(app).post('/api/erasure').set('authorization', auth).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    const text = await request(app)
      .post('/api/erasure')
      .set('authorization', auth)
      .set('content-type', 'text/plain')
      .send('user_id=a');
    expect(text.status).toBe(415);
  });
});
