import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testApp } from '../helpers/test-app.js';

const EXECUTE = '/api/schema/pipeline/execute';

describe('status codes for user mistakes', () => {
  it.each([
    [{}, /schema/],
    [{ schema: 'dada' }, /input_text/],
    [{ schema: 'dada', input_text: '   ' }, /must not be empty/],
    [{ schema: 'dada', input_text: 42 }, /input_text/],
    [{ schema: 'dada', input_text: 'x', execution_mode: 'turbo' }, /execution_mode/],
    [{ schema: 'dada', input_text: 'x', safety_level: 'toddler' }, /safety_level/],
    [{ schema: '../etc', input_text: 'x' }, /config name/],
    [{ schema: 'dada', input_text: 'x', seed: -1 }, /seed/],
    [[1, 2], /expected object/],
  ])('400 with the validation issues for %j', async (body, message) => {
    const { app } = await testApp();
    const res = await request(app)
      .post(EXECUTE)
      .send(body as object);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(message);
    expect(Array.isArray(res.body.error.details)).toBe(true);
  });

  it('400 for a too long prompt, without echoing it', async () => {
    const { app } = await testApp({ app: { maxInputChars: 10 } });
    const res = await request(app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Geheimnis'.repeat(3) });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/at most 10 characters/);
    expect(JSON.stringify(res.body)).not.toMatch(/Geheimnis/);
  });

  it('400 for invalid JSON', async () => {
    const { app } = await testApp();
    const res = await request(app)
      .post(EXECUTE)
      .set('content-type', 'application/json')
      .send('{"schema": "dada",');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('413 for an oversized body', async () => {
    const { app } = await testApp({ app: { maxBodyBytes: 1024 } });
    const res = await request(app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
  });

  it('415 for a body that is not JSON', async () => {
    const { app } = await testApp();
    const res = await request(app)
      .post(EXECUTE)
      .set('content-type', 'text/plain')
      .send('schema=dada');
    expect(res.status).toBe(415);
  });

  it('404 for an unknown config and an unknown output config, and no record is started', async () => {
    const { app, store, tracing } = await testApp();
    expect(
      (await request(app).post(EXECUTE).send({ schema: 'surrealism', input_text: 'x' })).status,
    ).toBe(404);
    const res = await request(app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'x', output_config: 'hologram' });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/unknown output config "hologram"/);
    await tracing.forceFlush();
    expect((await store.stats()).records).toBe(0);
  });

  it('400 for malformed execution ids, 404 for unknown ones, 404 for unknown routes', async () => {
    const { app } = await testApp();
    for (const path of [
      '/api/executions/..%2F..%2Fetc%2Fpasswd',
      '/api/executions/exec_1',
      '/api/executions/EXEC_20260101_000000_0000abcd/export/json',
    ]) {
      const res = await request(app).get(path);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_execution_id');
    }
    // the legacy mount answers with the earlier server's error body
    const legacy = await request(app).get('/api/runs/EXEC_20260101_000000_0000abcd/export/json');
    expect(legacy.status).toBe(400);
    expect(legacy.body).toMatchObject({ error: 'Invalid execution id' });
    expect((await request(app).get('/api/executions/exec_20260101_000000_0000abcd')).status).toBe(
      404,
    );
    expect(
      (await request(app).delete('/api/executions/exec_20260101_000000_0000abcd')).status,
    ).toBe(404);
    expect((await request(app).get('/api/nothing-here')).status).toBe(404);
  });

  it('400 for bad list queries', async () => {
    const { app } = await testApp();
    for (const q of [
      'limit=0',
      'limit=101',
      'offset=-1',
      'since=yesterday',
      'status=exploded',
      'config=a&config=b',
    ]) {
      const res = await request(app).get(`/api/executions?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.code).toBe('invalid_query');
    }
  });
});

describe('access control', () => {
  it('requires the bearer token on the API when one is configured; /health stays open', async () => {
    const token = 'a-long-enough-test-token';
    const { app } = await testApp({ app: { apiToken: token } });
    expect((await request(app).get('/api/executions')).status).toBe(401);
    expect(
      (await request(app).get('/api/executions').set('authorization', 'Bearer wrong')).status,
    ).toBe(401);
    expect(
      (await request(app).get('/api/executions').set('authorization', `Bearer ${token}`)).status,
    ).toBe(200);
    expect(
      (await request(app).post(EXECUTE).send({ schema: 'dada', input_text: 'x' })).status,
    ).toBe(401);
    expect((await request(app).get('/health')).status).toBe(200);
  });
});
