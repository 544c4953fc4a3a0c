import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { hostName, isHostAllowed } from '../../src/server/host-allowlist.js';
import { buildRecord } from '../helpers/record-builder.js';
import { testApp } from '../helpers/test-app.js';

describe('hostName and isHostAllowed', () => {
  it('reads the name without port, brackets or final dot', () => {
    expect(hostName('127.0.0.1:17801')).toBe('127.0.0.1');
    expect(hostName('[::1]:17801')).toBe('::1');
    expect(hostName('LocalHost.')).toBe('localhost');
    expect(hostName('evil.example.com:80')).toBe('evil.example.com');
    expect(hostName('a b')).toBeNull();
    expect(hostName('[zz]:1')).toBeNull();
    expect(hostName(undefined)).toBeNull();
  });

  it('allows loopback always, listed names exactly, and subdomains of a .suffix entry', () => {
    for (const name of ['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '::1'])
      expect(isHostAllowed(name, []), name).toBe(true);
    expect(isHostAllowed('evil.example.com', [])).toBe(false);
    expect(isHostAllowed('128.0.0.1', [])).toBe(false);
    expect(isHostAllowed('localhost.evil.com', [])).toBe(false);
    expect(isHostAllowed('kiosk.school.example', ['kiosk.school.example'])).toBe(true);
    expect(isHostAllowed('a.school.example', ['.school.example'])).toBe(true);
    expect(isHostAllowed('evilschool.example', ['.school.example'])).toBe(false);
    expect(isHostAllowed('anything', '*')).toBe(true);
  });
});

describe('the Host allow-list of the app', () => {
  it('answers 421 to a rebinding page: Host evil.example.com gets no records', async () => {
    const { app, store } = await testApp();
    await store.save(buildRecord({ user_id: 'child-1' }));
    for (const path of ['/api/executions', '/health', '/api/executions/stats']) {
      const res = await request(app).get(path).set('host', 'evil.example.com');
      expect(res.status, path).toBe(421);
      expect(res.body.error.code).toBe('host_not_allowed');
      expect(JSON.stringify(res.body)).not.toMatch(/child-1|exec_/);
    }
    const post = await request(app)
      .post('/api/schema/pipeline/execute')
      .set('host', 'evil.example.com:17801')
      .send({ schema: 'dada', input_text: 'Eine Blume' });
    expect(post.status).toBe(421);
  });

  it('answers loopback names and addresses', async () => {
    const { app, store } = await testApp();
    await store.save(buildRecord({ user_id: 'child-1' }));
    for (const host of ['localhost:17801', '127.0.0.1:17801', '[::1]:17801', 'localhost']) {
      const res = await request(app).get('/api/executions').set('host', host);
      expect(res.status, host).toBe(200);
      expect(res.body.total).toBe(1);
    }
  });

  it('answers the names of allowedHosts', async () => {
    const { app } = await testApp({ app: { allowedHosts: ['kiosk.school.example'] } });
    expect((await request(app).get('/health').set('host', 'kiosk.school.example')).status).toBe(
      200,
    );
    expect((await request(app).get('/health').set('host', 'other.example')).status).toBe(421);
  });
});
