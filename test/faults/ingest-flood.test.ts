import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ExportTraceServiceRequestType,
  ExportTraceServiceResponseType,
} from '../../src/ingest/otlp-proto.js';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import * as A from '../../src/telemetry/tracker/attributes.js';
import { ingestApp } from '../helpers/ingest-app.js';
import { ID, runRequest, str } from '../helpers/otlp-requests.js';

// Issue 20, "crash by memory": spans of runs whose start or run span never comes, 30,000 small
// spans per request (under the 4 MiB body limit), request after request.

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

const SPANS_PER_REQUEST = 30_000;
let requestNo = 0;

/** A protobuf export request of `SPANS_PER_REQUEST` stage spans over `runs` runs that never end. */
function floodBody(runs: number): Buffer {
  requestNo += 1;
  const trace = Buffer.alloc(16, (requestNo % 250) + 1).toString('base64');
  const spans = Array.from({ length: SPANS_PER_REQUEST }, (_, n) => {
    const id = `exec_20250101_120000_${(requestNo * 100_000 + (n % runs)).toString(16).padStart(8, '0')}`;
    const spanId = Buffer.alloc(8);
    spanId.writeUInt32BE(requestNo, 0);
    spanId.writeUInt32BE(n + 1, 4);
    return {
      traceId: trace,
      spanId: spanId.toString('base64'),
      startTimeUnixNano: '1735732800000000000',
      endTimeUnixNano: '1735732801000000000',
      attributes: [str(A.ATTR_EXECUTION_ID, id), str(A.ATTR_SPAN_ROLE, A.ROLE_STAGE)],
    };
  });
  const doc = { resourceSpans: [{ scopeSpans: [{ spans }] }] };
  return Buffer.from(
    ExportTraceServiceRequestType.encode(ExportTraceServiceRequestType.fromObject(doc)).finish(),
  );
}

/** The helper's whole run under another id (`n` 0..9). */
const runRequestFor = (n: number) =>
  JSON.parse(JSON.stringify(runRequest()).replaceAll(ID, ID.replace(/.$/, String(n)))) as object;

describe('a flood of spans for runs that never finish', () => {
  it('keeps the run buffer under its byte bound, answers 429 with Retry-After past it, and whole runs still in under a second', async () => {
    const maxBufferedBytes = 48 * 1024 * 1024;
    const { app, ingest, store } = await ingestApp({
      store: new MemoryRecordStore(),
      limits: { maxBufferedBytes },
    });
    closers.push(() => ingest.shutdown());
    const statuses: number[] = [];
    const whole: number[] = [];
    for (let n = 0; n < 3; n++) {
      const body = floodBody(300);
      expect(body.length).toBeLessThan(4 * 1024 * 1024);
      const res = await request(app)
        .post('/v1/traces')
        .set('content-type', 'application/x-protobuf')
        .send(body);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers['retry-after']).toBe('5');
        expect(res.headers['content-type']).toMatch(/^application\/x-protobuf/);
      }
      expect(ingest.stats().record_path.buffered_bytes).toBeLessThanOrEqual(maxBufferedBytes);
      // A whole run from a well-behaved sender goes through, and quickly, flood or not.
      const started = performance.now();
      const ok = await request(app)
        .post('/v1/traces')
        .set('content-type', 'application/json')
        .send(JSON.stringify(runRequestFor(n)));
      whole.push(performance.now() - started);
      expect(ok.status).toBe(200);
    }
    expect(statuses).toEqual([200, 429, 429]);
    expect(Math.max(...whole)).toBeLessThan(1_000);
    expect((await store.list()).total).toBe(3);
    const stats = ingest.stats();
    expect(stats.requests_throttled).toBe(2);
    expect(stats.record_path.buffered_spans).toBe(SPANS_PER_REQUEST);
  }, 120_000);

  it('refuses the spans of one run past its limit with partial_success naming the run and the limit', async () => {
    const { app, ingest } = await ingestApp({
      store: new MemoryRecordStore(),
      limits: { maxSpansPerRun: 1_000 },
    });
    closers.push(() => ingest.shutdown());
    const res = await request(app)
      .post('/v1/traces')
      .set('content-type', 'application/x-protobuf')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .send(floodBody(1));
    expect(res.status).toBe(200);
    const answer = ExportTraceServiceResponseType.toObject(
      ExportTraceServiceResponseType.decode(res.body as Buffer),
      { longs: Number },
    );
    expect(answer.partialSuccess).toEqual({
      rejectedSpans: SPANS_PER_REQUEST - 1_000,
      errorMessage: expect.stringMatching(
        /^execution\.id exec_\w+: 29000 spans refused, past the limit of 1000 spans per run$/,
      ),
    });
    expect(ingest.stats().spans_refused.run_spans).toBe(29_000);
    expect(ingest.stats().record_path.buffered_spans).toBe(1_000);
  });
});
