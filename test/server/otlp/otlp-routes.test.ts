import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ExportTraceServiceResponseType, RpcStatusType } from '../../../src/ingest/otlp-proto.js';
import * as A from '../../../src/telemetry/tracker/attributes.js';
import { MemoryRecordStore } from '../../../src/store/memory-record-store.js';
import { tokenCheckFrom } from '../../../src/server/auth/token-check.js';
import { ingestApp } from '../../helpers/ingest-app.js';
import { bearerFor, ROLE_TOKEN_ENTRIES } from '../../helpers/role-tokens.js';
import {
  hexToBase64,
  ID,
  int,
  protobuf,
  runRequest,
  str,
  TRACE,
} from '../../helpers/otlp-requests.js';

const post = (app: Parameters<typeof request>[0], type: string, body: string | Buffer) =>
  request(app).post('/v1/traces').set('content-type', type).send(body);

const binary = (req: request.Test) =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

describe('POST /v1/traces', () => {
  it('assembles a run sent as OTLP/JSON into its record and answers an empty response', async () => {
    const { app, store, ingest } = await ingestApp();
    const res = await post(app, 'application/json', JSON.stringify(runRequest()));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    const record = (await store.get(ID))!;
    expect(record).toMatchObject({
      execution_id: ID,
      config_name: 'dada',
      trace_id: TRACE,
      total_execution_time: 1.5,
      status: 'completed',
      items: [{ item_type: 'user_input_text', content: 'Eine Blume', stage: 1 }],
    });
    expect(ingest.stats()).toMatchObject({ requests: 1, spans_accepted: 2, records_assembled: 1 });
  });

  it('answers protobuf with a protobuf ExportTraceServiceResponse, gzip included', async () => {
    const { app, store } = await ingestApp();
    const res = await binary(
      post(app, 'application/x-protobuf', gzipSync(protobuf(hexToBase64(runRequest())))).set(
        'content-encoding',
        'gzip',
      ),
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-protobuf/);
    expect(ExportTraceServiceResponseType.decode(res.body as Buffer).toJSON()).toEqual({});
    expect((await store.get(ID))!.items).toHaveLength(1);
  });

  it('rejects bad spans with partial_success and keeps the run whole; ignores spans of no run', async () => {
    const { app, store, ingest } = await ingestApp();
    const bad = [
      { traceId: 'zz', spanId: '00f067aa0ba902b9', startTimeUnixNano: '1', endTimeUnixNano: '2' },
      {
        traceId: TRACE,
        spanId: '00f067aa0ba902ba',
        startTimeUnixNano: '1735732800000000000',
        endTimeUnixNano: '1735732801000000000',
        attributes: [str(A.ATTR_EXECUTION_ID, ID), str(A.ATTR_SPAN_ROLE, 'stage')],
        events: [
          {
            timeUnixNano: '1735732800000000001',
            name: 'x',
            attributes: [int(A.ATTR_ITEM_SEQUENCE, -3)],
          },
        ],
      },
      {
        traceId: TRACE,
        spanId: '00f067aa0ba902bb',
        startTimeUnixNano: '1735732800000000000',
        endTimeUnixNano: '1735732801000000000',
        attributes: [str('http.route', '/x')],
      },
    ];
    const res = await post(app, 'application/json', JSON.stringify(runRequest(bad)));
    expect(res.status).toBe(200);
    expect(res.body.partialSuccess.rejectedSpans).toBe('2');
    expect(res.body.partialSuccess.errorMessage).toMatch(/trace_id must be 16 bytes/);
    expect(res.body.partialSuccess.errorMessage).toMatch(/is not a valid item/);
    expect((await store.get(ID))!.items).toHaveLength(1);
    expect(ingest.stats()).toMatchObject({
      spans_rejected: 2,
      spans_ignored: 1,
      spans_accepted: 2,
    });
  });

  it('requires the bearer token when one is set', async () => {
    const { app } = await ingestApp({ router: { apiToken: 's3cret' } });
    const body = JSON.stringify(runRequest());
    const denied = await post(app, 'application/json', body);
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({ code: 16 });
    expect(denied.body.message).toMatch(
      /needs a token with the ingest role \(any of: admin, ingest\)/,
    );
    const ok = await post(app, 'application/json', body).set('authorization', 'Bearer s3cret');
    expect(ok.status).toBe(200);
  });

  it('takes an ingest token, and refuses a viewer token with 403 PERMISSION_DENIED saving nothing', async () => {
    const { app, store } = await ingestApp({
      router: { tokens: tokenCheckFrom({ tokens: ROLE_TOKEN_ENTRIES }) },
    });
    const body = JSON.stringify(runRequest());
    const viewer = await post(app, 'application/json', body).set(bearerFor('viewer'));
    expect(viewer.status).toBe(403);
    expect(viewer.body).toMatchObject({ code: 7 });
    expect(viewer.body.message).toMatch(/needs the ingest role.*"viewer-1" has the viewer role/);
    expect((await store.list()).total).toBe(0);
    expect((await post(app, 'application/json', body).set(bearerFor('ingest'))).status).toBe(200);
  });

  it('answers 503 with Retry-After while the store refuses records, then saves on the retry', async () => {
    const real = new MemoryRecordStore();
    let down = true;
    const flaky = Object.assign(Object.create(real) as MemoryRecordStore, {
      save: (r: Parameters<MemoryRecordStore['save']>[0]) =>
        down ? Promise.reject(new Error('disk full')) : real.save(r),
    });
    const { app } = await ingestApp({ store: flaky, record: { retryInitialMillis: 60_000 } });
    const body = JSON.stringify(runRequest());
    const res = await post(app, 'application/json', body);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.code).toBe(14);
    down = false;
    expect((await post(app, 'application/json', body)).status).toBe(200);
    expect((await real.get(ID))!.items).toHaveLength(1);
  });

  it('refuses malformed bodies with 400 and a google.rpc.Status, saving nothing', async () => {
    const { app, store } = await ingestApp();
    const whole = protobuf(hexToBase64(runRequest()));
    const cases: [string, string | Buffer][] = [
      ['application/x-protobuf', whole.subarray(0, whole.length - 7)],
      ['application/x-protobuf', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])],
      ['application/json', '{"resourceSpans":'],
      [
        'application/json',
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":true}]}]}]}',
      ],
      ['application/json', '{"resourceSpans":"no"}'],
    ];
    for (const [type, body] of cases) {
      const res = await binary(post(app, type, body));
      expect(res.status, String(body)).toBe(400);
      const status = type.includes('json')
        ? JSON.parse((res.body as Buffer).toString())
        : RpcStatusType.toObject(RpcStatusType.decode(res.body as Buffer));
      expect(status.code).toBe(3);
      expect(status.message).toEqual(expect.any(String));
    }
    expect((await store.list()).total).toBe(0);
  });

  it('answers 415 for other content types and encodings, 413 past the size limit and for a gzip bomb', async () => {
    const { app, store } = await ingestApp({ router: { maxBodyBytes: 64 * 1024 } });
    expect((await post(app, 'text/plain', 'hello')).status).toBe(415);
    expect((await post(app, 'application/xml', '<a/>')).status).toBe(415);
    const br = await post(app, 'application/json', '{}').set('content-encoding', 'br');
    expect(br.status).toBe(415);
    const huge = await post(app, 'application/json', ' '.repeat(200 * 1024));
    expect(huge.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await post(app, 'application/x-protobuf', bomb).set('content-encoding', 'gzip');
    expect(res.status).toBe(413);
    const notGzip = await post(app, 'application/json', '{}').set('content-encoding', 'gzip');
    expect(notGzip.status).toBe(400);
    expect((await store.list()).total).toBe(0);
  });

  it('never answers 5xx nor saves a half record for random bodies (fuzz, fixed seed)', async () => {
    const { app, store } = await ingestApp();
    const valid = JSON.stringify(runRequest());
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .uint8Array({ maxLength: 512 })
            .map((b) => ['application/x-protobuf', Buffer.from(b)] as const),
          fc.json().map((j) => ['application/json', j] as const),
          fc
            .tuple(fc.nat(valid.length), fc.string({ maxLength: 8 }))
            .map(
              ([at, s]) =>
                ['application/json', valid.slice(0, at) + s + valid.slice(at + 1)] as const,
            ),
          fc.tuple(fc.nat(200), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
            const b = Buffer.from(protobuf(hexToBase64(runRequest())));
            b[at % b.length] = byte;
            return ['application/x-protobuf', b] as const;
          }),
        ),
        async ([type, body]) => {
          const res = await post(app, type, body);
          expect(res.status).toBeLessThan(500);
          const saved = await store.get(ID);
          if (saved) expect(saved.status).toBe('completed');
        },
      ),
      { seed: 20250101, numRuns: 300, interruptAfterTimeLimit: 15_000 },
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
