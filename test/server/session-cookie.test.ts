import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { issueSessionValue, verifySessionValue } from '../../src/server/session-cookie.js';
import { listen } from '../helpers/listen.js';
import { readSse } from '../helpers/sse-client.js';
import { testApp } from '../helpers/test-app.js';

const TOKEN = 'a-sufficiently-long-test-token';
const bearer = { authorization: `Bearer ${TOKEN}` };

describe('session cookie', () => {
  it('is an expiring HMAC of the token, not the token', () => {
    const now = 1_800_000_000_000;
    const value = issueSessionValue(TOKEN, now, 60);
    expect(value).not.toContain(TOKEN);
    expect(verifySessionValue(TOKEN, value, now + 59_000)).toBe(true);
    expect(verifySessionValue(TOKEN, value, now + 60_000)).toBe(false);
    expect(verifySessionValue('another-token-of-some-length', value, now)).toBe(false);
    expect(verifySessionValue(TOKEN, value.replace(/^\d+/, '9999999999'), now)).toBe(false);
    expect(verifySessionValue(TOKEN, undefined, now)).toBe(false);
  });

  it('POST /api/session sets an HttpOnly SameSite=Strict cookie that opens media and streams only', async () => {
    const ctx = await testApp({ app: { apiToken: TOKEN } });
    const run = await request(ctx.app)
      .post('/api/schema/pipeline/execute')
      .set(bearer)
      .send({ schema: 'dada', input_text: 'Eine Blume' });
    expect(run.status).toBe(200);
    await ctx.tracing.forceFlush();
    const id = run.body.execution_id as string;
    const file = (run.body.outputs[0].file_path as string).split('/').at(-1)!;

    expect((await request(ctx.app).post('/api/session')).status).toBe(401);
    const session = await request(ctx.app).post('/api/session').set(bearer);
    expect(session.status).toBe(204);
    const setCookie = session.headers['set-cookie']![0]!;
    expect(setCookie).toMatch(
      /^eh_session=\d+\.[\w-]{43}; Path=\/api; Max-Age=43200; HttpOnly; SameSite=Strict$/,
    );
    const cookie = setCookie.split(';')[0]!;

    const media = `/api/executions/${id}/media/${file}`;
    expect((await request(ctx.app).get(media)).status).toBe(401);
    expect((await request(ctx.app).get(media).set('cookie', cookie)).status).toBe(200);
    expect(
      (await request(ctx.app).get(`/api/runs/${id}/media/${file}`).set('cookie', cookie)).status,
    ).toBe(200);
    // Everything else still needs the bearer token.
    expect((await request(ctx.app).get(`/api/executions/${id}`).set('cookie', cookie)).status).toBe(
      401,
    );
    expect((await request(ctx.app).get('/api/executions').set('cookie', cookie)).status).toBe(401);
    expect(
      (await request(ctx.app).delete(`/api/executions/${id}`).set('cookie', cookie)).status,
    ).toBe(401);
    expect(
      (
        await request(ctx.app)
          .get(media)
          .set('cookie', 'eh_session=1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
      ).status,
    ).toBe(401);

    const server = await listen(ctx.app);
    const stream = await readSse(`${server.url}/api/executions/${id}/stream`, {
      headers: { cookie },
    });
    await server.close();
    expect(stream.status).toBe(200);
    expect(stream.events.at(-1)).toMatchObject({ event: 'end', data: { status: 'completed' } });

    const cleared = await request(ctx.app).delete('/api/session').set(bearer);
    expect(cleared.headers['set-cookie']![0]).toMatch(/^eh_session=; Path=\/api; Max-Age=0;/);
  });

  it('sets no cookie when no token is configured', async () => {
    const ctx = await testApp();
    const res = await request(ctx.app).post('/api/session');
    expect(res.status).toBe(204);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('web assets', () => {
  it('says npm run build:web is needed while the build output is missing', async () => {
    const ctx = await testApp();
    const missing = await testApp({ app: { webDir: join(ctx.dir, 'nothing-here') } });
    const res = await request(missing.app).get('/');
    expect(res.status).toBe(503);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('npm run build:web');
    expect((await request(missing.app).get('/api/configs')).status).toBe(200);
  });

  it('serves the built page at /, /runs/:id and /try with a same-origin-only CSP, and its assets', async () => {
    const ctx = await testApp();
    const dir = join(ctx.dir, 'web');
    await mkdir(join(dir, 'assets'), { recursive: true });
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>runs</title>');
    await writeFile(join(dir, 'assets', 'app-1234.js'), 'export {};');
    const web = await testApp({ app: { webDir: dir } });
    for (const path of ['/', '/runs/exec_20260101_000000_0000abcd', '/try']) {
      const res = await request(web.app).get(path);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<title>runs</title>');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
    const asset = await request(web.app).get('/assets/app-1234.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await request(web.app).get('/nope')).status).toBe(404);
  });
});
