import fc from 'fast-check';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { REQUEST_FIELDS } from '../../src/pipeline/pipeline-request.js';
import { ListQuerySchema } from '../../src/query/list-queries.js';
import { buildRecord } from '../helpers/record-builder.js';
import { testApp } from '../helpers/test-app.js';

/** Fixed seed (replayable) and a time bound well inside CI's 30 s. */
const SEED = 20_261_124;
const TIME_LIMIT_MILLIS = 20_000;
const TOKEN = 'a-long-enough-fuzz-token';

const word = fc.string({ unit: 'grapheme', maxLength: 12 });
const segment = fc.oneof(
  word.map(encodeURIComponent),
  fc.constantFrom(
    '..',
    '%2e%2e',
    '%2F..%2F..%2Fetc%2Fpasswd',
    '%00',
    '%zz',
    '%',
    'exec_20260101_000000_0000abcd',
    'exec_1',
    'json',
    'xml',
    'jsonl',
    'stats',
    'export',
    'media',
    'output_1.png',
    '.env',
  ),
);

const knownPath = fc.constantFrom(
  '/health',
  '/api/executions',
  '/api/executions/stats',
  '/api/executions/export/jsonl',
  '/api/runs',
  '/api/schema/pipeline/execute',
  '/api/erasure',
  '/api/erasure/log',
  '/',
  '/api',
);
const path = fc.oneof(
  { weight: 3, arbitrary: knownPath },
  fc.tuple(fc.constantFrom('/api/executions/', '/api/runs/'), segment).map(([a, b]) => a + b),
  fc
    .tuple(segment, fc.constantFrom('export', 'media'), segment)
    .map(([id, kind, x]) => `/api/executions/${id}/${kind}/${x}`),
  fc.array(segment, { maxLength: 5 }).map((s) => `/${s.join('/')}`),
);

// Every parameter the list takes (from its schema), and one it does not.
const queryKey = fc.constantFrom(...Object.keys(ListQuerySchema.shape), 'x');
const queryValue = fc.oneof(
  word,
  fc.constantFrom('-1', '0', '1e9', '101', 'NaN', '2026-11-24', '2026-13-45', 'completed', ''),
);
const query = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
    .map((kv) => `?${kv.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`),
  fc.constantFrom('?limit=%zz', '?user_id[]=a', '?a=1&a=2', '?%'),
);

const field = fc.constantFrom(...REQUEST_FIELDS, '__proto__', 'constructor');
const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('dada', 'passthrough', 'stillepost', 'none', 'kids', 'off', 'eco', 'fast'),
  fc.constantFrom(null, true, -1, 1.5, 2 ** 53, 1e308),
  fc.jsonValue({ maxDepth: 2 }),
);
const pipelineBody = fc.record({
  schema: fc.constantFrom('dada', 'passthrough', 'bauhaus', 'nope'),
  input_text: fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
  output_config: fc.constantFrom('none', 'sd35_large', 'stable_audio', undefined),
  safety_level: fc.constantFrom('kids', 'youth', 'adult', 'research', 'off', 'x'),
});
const body = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(field, value, { maxKeys: 5 }).map((o) => JSON.stringify(o)),
  pipelineBody.map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.record({ user_id: value }).map((o) => JSON.stringify(o)),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)),
  fc.constant(Buffer.alloc(70 * 1024, 0x61)),
);

const requestCase = fc.record({
  method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'),
  path,
  query,
  auth: fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${TOKEN}`) },
    fc.constantFrom(undefined, 'Bearer x', 'Basic Zm9v'),
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'text/plain',
    'application/x-www-form-urlencoded',
    'application/merge-patch+json',
    undefined,
  ),
  host: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('127.0.0.1', 'localhost:17801', '[::1]:1') },
    fc.constantFrom('evil.example.com', 'a b', '127.0.0.1.evil.com', ''),
  ),
  body,
});

describe('HTTP API fuzz (fast-check, fixed seed, time-bounded)', () => {
  it('answers every generated request without a 5xx', { timeout: 40_000 }, async () => {
    const { app, store } = await testApp({ app: { apiToken: TOKEN } });
    for (let i = 0; i < 5; i++) await store.save(buildRecord({ user_id: `child-${i}` }));
    let runs = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requestCase, async (c) => {
        runs += 1;
        const method = c.method.toLowerCase() as 'get';
        let r = request(app)
          [method](c.path + c.query)
          .set('host', c.host);
        if (c.auth) r = r.set('authorization', c.auth);
        if (c.contentType) r = r.set('content-type', c.contentType);
        if (c.body !== undefined && !['GET', 'HEAD', 'OPTIONS'].includes(c.method))
          r = r.send(c.body);
        const res = await r;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${c.method} ${c.path}${c.query}`).toBeLessThan(500);
        if (res.status >= 400 && res.type === 'application/json' && c.method !== 'HEAD') {
          // The routes of /api/runs keep the earlier server's error bodies (`error` a sentence).
          if (!(c.path.startsWith('/api/runs') && typeof res.body.error === 'string'))
            expect(res.body.error).toMatchObject({ code: expect.any(String) });
        }
      }),
      {
        seed: SEED,
        numRuns: 1_500,
        interruptAfterTimeLimit: TIME_LIMIT_MILLIS,
        markInterruptAsFailure: false,
      },
    );
    // Enough cases ran to mean something, across the route space.
    expect(runs).toBeGreaterThan(200);
    expect(statuses.has(200)).toBe(true);
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThan(4);
  });
});
