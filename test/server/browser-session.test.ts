import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SessionStore } from '../../src/server/auth/session-store.js';
import { buildRecord } from '../helpers/record-builder.js';
import { listen } from '../helpers/listen.js';
import { bearerFor, ROLE_TOKEN_ENTRIES, ROLE_TOKENS } from '../helpers/role-tokens.js';
import { readSse } from '../helpers/sse-client.js';
import { testApp } from '../helpers/test-app.js';

const TOKEN = 'a-sufficiently-long-test-token';
const bearer = { authorization: `Bearer ${TOKEN}` };
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };

async function signIn(app: Parameters<typeof request>[0], headers: Record<string, string>) {
  const res = await request(app).post('/api/session').set(headers);
  expect(res.status).toBe(200);
  return { res, cookie: (res.headers['set-cookie']![0] as string).split(';')[0]! };
}

describe('browser session', () => {
  it('POST /api/session sets an HttpOnly SameSite=Strict cookie holding a random id, not the token', async () => {
    const ctx = await testApp({ app: { apiToken: TOKEN } });
    expect((await request(ctx.app).post('/api/session')).status).toBe(401);
    const { res, cookie } = await signIn(ctx.app, bearer);
    expect(res.headers['set-cookie']![0]).toMatch(
      /^eh_session=[\w-]{43}; Path=\/api; Max-Age=43200; HttpOnly; SameSite=Strict$/,
    );
    expect(cookie).not.toContain(TOKEN);
    expect(res.body).toMatchObject({ role: 'admin', name: 'api-token' });
    expect(Date.parse(res.body.expires_at)).toBeGreaterThan(Date.now());
    const again = await signIn(ctx.app, bearer);
    expect(again.cookie).not.toBe(cookie);
  });

  it('lets a new tab read with the cookie alone: records, media and streams, as its role allows', async () => {
    const ctx = await testApp({ app: { apiToken: TOKEN } });
    const run = await request(ctx.app)
      .post('/api/schema/pipeline/execute')
      .set(bearer)
      .send({ schema: 'dada', input_text: 'Eine Blume' });
    expect(run.status).toBe(200);
    await ctx.tracing.forceFlush();
    const id = run.body.execution_id as string;
    const file = (run.body.outputs[0].file_path as string).split('/').at(-1)!;
    const { cookie } = await signIn(ctx.app, bearer);

    const media = `/api/executions/${id}/media/${file}`;
    expect((await request(ctx.app).get(media)).status).toBe(401);
    expect((await request(ctx.app).get(media).set('cookie', cookie)).status).toBe(200);
    expect(
      (await request(ctx.app).get(`/api/runs/${id}/media/${file}`).set('cookie', cookie)).status,
    ).toBe(200);
    expect((await request(ctx.app).get(`/api/executions/${id}`).set('cookie', cookie)).status).toBe(
      200,
    );
    expect((await request(ctx.app).get('/api/executions').set('cookie', cookie)).status).toBe(200);
    const who = await request(ctx.app).get('/api/session').set('cookie', cookie);
    expect(who.body).toEqual({
      open: false,
      signed_in: true,
      role: 'admin',
      name: 'api-token',
      via: 'session',
    });
    expect(
      (
        await request(ctx.app)
          .get(media)
          .set('cookie', 'eh_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
      ).status,
    ).toBe(401);

    const server = await listen(ctx.app);
    const stream = await readSse(`${server.url}/api/executions/${id}/stream`, {
      headers: { cookie },
    });
    await server.close();
    expect(stream.status).toBe(200);
    expect(stream.events.at(-1)).toMatchObject({ event: 'end', data: { status: 'completed' } });
  });

  it('keeps a viewer session to the viewer role: reads pass, delete and erasure answer 403 naming admin', async () => {
    const ctx = await testApp({ app: { tokens: ROLE_TOKEN_ENTRIES } });
    const record = buildRecord();
    await ctx.store.save(record);
    const { cookie, res } = await signIn(ctx.app, bearerFor('viewer'));
    expect(res.body).toMatchObject({ role: 'viewer', name: 'viewer-1' });
    const path = `/api/executions/${record.execution_id}`;
    expect((await request(ctx.app).get(path).set('cookie', cookie)).status).toBe(200);
    const del = await request(ctx.app).delete(path).set('cookie', cookie).set(SAME_ORIGIN);
    expect(del.status).toBe(403);
    expect(del.body.error).toMatchObject({
      code: 'forbidden',
      details: { required_role: 'admin', allowed_roles: ['admin'], role: 'viewer' },
    });
    expect(del.body.error.message).toMatch(/needs the admin role.*"viewer-1" has the viewer role/);
    const erase = await request(ctx.app)
      .post('/api/erasure')
      .set('cookie', cookie)
      .set(SAME_ORIGIN)
      .send({ user_id: record.user_id });
    expect(erase.status).toBe(403);
    expect(await ctx.store.get(record.execution_id)).not.toBeNull();
  });

  it('refuses a write with the cookie unless it comes from the same origin (CSRF)', async () => {
    const ctx = await testApp({ app: { tokens: ROLE_TOKEN_ENTRIES } });
    const records = [buildRecord(), buildRecord(), buildRecord()];
    for (const r of records) await ctx.store.save(r);
    const { cookie } = await signIn(ctx.app, bearerFor('admin'));
    const del = (i: number) =>
      request(ctx.app).delete(`/api/executions/${records[i]!.execution_id}`).set('cookie', cookie);

    for (const headers of [
      {},
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'http://evil.example' },
      { origin: 'null' },
    ]) {
      const res = await del(0).set(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.body.error.code).toBe('cross_site_request');
    }
    expect(await ctx.store.get(records[0]!.execution_id)).not.toBeNull();
    // Reads with the cookie need no such check (SameSite=Strict keeps them same-site anyway).
    expect(
      (await request(ctx.app).get('/api/executions').set('cookie', cookie).set('origin', 'x'))
        .status,
    ).toBe(200);
    // A bearer token, when sent, decides alone: a wrong one is not rescued by the cookie.
    const wrong = await del(1).set(SAME_ORIGIN).set('authorization', 'Bearer wrong-token');
    expect(wrong.status).toBe(401);
    expect((await del(1).set(SAME_ORIGIN)).status).toBe(204);
    const host = '127.0.0.1:8080';
    expect((await del(2).set({ host, origin: `http://${host}` })).status).toBe(204);
  });

  it('DELETE /api/session signs out: the server forgets the session and clears the cookie', async () => {
    const ctx = await testApp({ app: { apiToken: TOKEN } });
    const { cookie } = await signIn(ctx.app, bearer);
    const out = await request(ctx.app)
      .delete('/api/session')
      .set('cookie', cookie)
      .set(SAME_ORIGIN);
    expect(out.status).toBe(204);
    expect(out.headers['set-cookie']![0]).toMatch(/^eh_session=; Path=\/api; Max-Age=0;/);
    expect((await request(ctx.app).get('/api/executions').set('cookie', cookie)).status).toBe(401);
    const who = await request(ctx.app).get('/api/session').set('cookie', cookie);
    expect(who.body).toMatchObject({ open: false, signed_in: false, role: null });
  });

  it('ends a session at its expiry', async () => {
    let now = 1_800_000_000_000;
    const sessions = new SessionStore({ maxAgeMillis: 60_000, now: () => now });
    const ctx = await testApp({ app: { apiToken: TOKEN, sessions } });
    const { cookie, res } = await signIn(ctx.app, bearer);
    expect(res.headers['set-cookie']![0]).toContain('Max-Age=60;');
    now += 59_000;
    expect((await request(ctx.app).get('/api/executions').set('cookie', cookie)).status).toBe(200);
    now += 1_000;
    expect((await request(ctx.app).get('/api/executions').set('cookie', cookie)).status).toBe(401);
  });

  it('refuses to open a session for an ingest token or an unknown one', async () => {
    const ctx = await testApp({ app: { tokens: ROLE_TOKEN_ENTRIES } });
    const ingest = await request(ctx.app).post('/api/session').set(bearerFor('ingest'));
    expect(ingest.status).toBe(403);
    expect(ingest.body.error).toMatchObject({ code: 'forbidden', details: { role: 'ingest' } });
    expect(ingest.headers['set-cookie']).toBeUndefined();
    const unknown = await request(ctx.app)
      .post('/api/session')
      .set('authorization', `Bearer ${ROLE_TOKENS.viewer}x`);
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toMatch(/^the token shown is not known to this server; /);
    expect(unknown.body.error.details).toMatchObject({ required_role: 'viewer' });
  });

  it('sets no cookie when no token is configured', async () => {
    const ctx = await testApp();
    const res = await request(ctx.app).post('/api/session');
    expect(res.status).toBe(204);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await request(ctx.app).get('/api/session')).body).toMatchObject({
      open: true,
      signed_in: false,
    });
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
