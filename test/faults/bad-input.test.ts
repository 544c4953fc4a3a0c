import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { REQUEST_FIELDS } from '../../src/pipeline/pipeline-request.js';
import { listen } from '../helpers/listen.js';
import { testApp } from '../helpers/test-app.js';

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Case {
  method: string;
  path: string;
  contentType?: string;
  body?: Buffer;
  valid?: string; // marker text of a valid run
}

function generate(count: number, seed: number): Case[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const junk = [
    null,
    true,
    0,
    -1,
    1.5,
    1e309,
    'x',
    '',
    [],
    {},
    [[]],
    { a: 1 },
    'ü'.repeat(3000),
    '\u0000',
    '../../etc/passwd',
  ];
  const fields = REQUEST_FIELDS;
  const ids = [
    'exec_1',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    'exec_20260101_000000_0000abcd',
    'EXEC_20260101_000000_0000ABCD',
    'a'.repeat(300),
    '.',
    '..',
    'exec_20260101_000000_0000abcd%2F..',
  ];
  const cases: Case[] = [];
  for (let n = 0; n < count; n++) {
    const kind = Math.floor(r() * 10);
    const json = (v: unknown) => Buffer.from(JSON.stringify(v));
    switch (kind) {
      case 0: {
        const body: Record<string, unknown> = { schema: 'dada', input_text: `Eine Blume ${n}` };
        body[pick(fields)] = pick(junk);
        cases.push({
          method: 'POST',
          path: '/api/schema/pipeline/execute',
          contentType: 'application/json',
          body: json(body),
        });
        break;
      }
      case 1: // missing fields
        cases.push({
          method: 'POST',
          path: '/api/schema/pipeline/execute',
          contentType: 'application/json',
          body: json(Object.fromEntries(fields.filter(() => r() < 0.3).map((f) => [f, 'dada']))),
        });
        break;
      case 2: // huge and empty strings
        cases.push({
          method: 'POST',
          path: '/api/schema/pipeline/execute',
          contentType: 'application/json',
          body: json({
            schema: 'dada',
            input_text: r() < 0.5 ? '' : 'x'.repeat(Math.floor(r() * 200_000)),
          }),
        });
        break;
      case 3: // invalid UTF-8
        cases.push({
          method: 'POST',
          path: '/api/schema/pipeline/execute',
          contentType: 'application/json',
          body: Buffer.concat([
            Buffer.from('{"schema":"dada","input_text":"'),
            Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0]),
            Buffer.from('"}'),
          ]),
        });
        break;
      case 4: // deeply nested JSON
        cases.push({
          method: 'POST',
          path: '/api/schema/pipeline/execute',
          contentType: 'application/json',
          body: Buffer.from(`${'['.repeat(5_000 + Math.floor(r() * 20_000))}${']'.repeat(10)}`),
        });
        break;
      case 5: // unknown configs
        cases.push({
          method: 'POST',
          path: '/api/schema/pipeline/execute',
          contentType: 'application/json',
          body: json({
            schema: pick(['surrealism', 'DADA', 'dada_', 'x'.repeat(64)]),
            input_text: 'x',
          }),
        });
        break;
      case 6: // traversal-looking ids
        cases.push({
          method: pick(['GET', 'DELETE']),
          path: `/api/${pick(['executions', 'runs'])}/${pick(ids)}${pick(['', '/export/xml', '/stream', '/media/..%2F..%2Fx', '/export/%2e%2e'])}`,
        });
        break;
      case 7: // wrong content types and broken JSON
        cases.push({
          method: 'POST',
          path: '/api/schema/pipeline/execute',
          contentType: pick([
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data',
            'application/json; charset=latin-99',
            'application/json',
          ]),
          body: Buffer.from(
            pick([
              'schema=dada',
              '{"schema": "dada", "input_text": ',
              '\u0000\u0001',
              'null',
              '"string"',
            ]),
          ),
        });
        break;
      case 8: // bad list queries
        cases.push({
          method: 'GET',
          path: `/api/executions?${pick(['limit=abc', 'limit=1e9', 'offset=-5', 'since=%ZZ', 'status[]=a', 'config=a&config=b', 'until=2026-13-45', 'limit=5'])}`,
        });
        break;
      default: // valid runs among them
        cases.push({
          method: 'POST',
          path: '/api/schema/pipeline/execute',
          contentType: 'application/json',
          body: json({
            schema: pick(['dada', 'stillepost', 'passthrough', 'bauhaus']),
            input_text: `Gültige Anfrage ${n}`,
            output_config: 'none',
          }),
          valid: `Gültige Anfrage ${n}`,
        });
    }
  }
  return cases;
}

function send(url: string, c: Case): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${c.path}`,
      { method: c.method, headers: c.contentType ? { 'content-type': c.contentType } : {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end(c.body);
  });
}

describe('bad input', () => {
  it('1,000 generated requests: never a 500, never a crash, every valid run recorded', async () => {
    const ctx = await testApp({ app: { maxBodyBytes: 64 * 1024 } });
    const server = await listen(ctx.app);
    const cases = generate(1_000, 20261124);
    const valid: { marker: string; id: string }[] = [];
    const statuses = new Map<number, number>();
    for (const [n, c] of cases.entries()) {
      const res = await send(server.url, c);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(
        res.status,
        `case ${n}: ${c.method} ${c.path} → ${res.body.slice(0, 200)}`,
      ).toBeLessThan(500);
      if (c.valid) {
        expect(res.status, `valid case ${n}`).toBe(200);
        valid.push({
          marker: c.valid,
          id: (JSON.parse(res.body) as { execution_id: string }).execution_id,
        });
      } else if (res.status >= 400) {
        // One error body shape; the routes of /api/runs keep the earlier server's (`error` a
        // sentence), what stops a request before them (auth, unknown route) is this one's.
        const { error } = JSON.parse(res.body) as { error: { code: string } | string };
        if (!(c.path.startsWith('/api/runs') && typeof error === 'string'))
          expect((error as { code: string }).code).toMatch(/^[a-z_]+$/);
      }
    }
    // Still serving.
    expect((await send(server.url, { method: 'GET', path: '/health' })).status).toBe(200);
    await ctx.tracing.forceFlush();
    expect(valid.length).toBeGreaterThan(50);
    for (const v of valid) {
      const record = (await ctx.store.get(v.id))!;
      expect(record.status).toBe('completed');
      expect(record.items[1]!.content).toBe(v.marker);
    }
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    await server.close();
  }, 120_000);
});
