import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { serializeRecord } from '../../src/domain/record-codec.js';
import { ExportTraceServiceRequestType } from '../../src/ingest/otlp-proto.js';
import type { ContentPolicy } from '../../src/telemetry/otlp/content-policy.js';
import type { OtlpProtocol } from '../../src/telemetry/otlp/otlp-path.js';
import { status } from '@grpc/grpc-js';
import { startOtlpGrpc } from '../../src/server/otlp/otlp-grpc.js';
import { ingestApp } from '../helpers/ingest-app.js';
import { exportCall } from '../helpers/otlp-grpc-client.js';
import { startOtlpCapture, type CapturedRequest } from '../helpers/otlp-capture.js';
import { testApp } from '../helpers/test-app.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** The canonical flows (a), (b) stillepost, (c) second output blocked, (d) blocked at stage 1. */
const FLOWS = [
  { schema: 'dada', input_text: 'Eine Blume auf der Wiese', output_config: 'none' },
  { schema: 'stillepost', input_text: 'Eine Blume auf der Wiese' },
  {
    schema: 'image_comparison',
    input_text: 'Ein freundliches Skelett tanzt lachend auf einem Kindergeburtstag',
    safety_level: 'kids',
  },
  { schema: 'dada', input_text: 'Ich sprühe ein Hakenkreuz an die Schulwand' },
];

/** Runs the flows on an app whose OTLP path points at a capture; its records and the requests. */
async function runFlows(protocol: OtlpProtocol, contentPolicy: ContentPolicy, flows = FLOWS) {
  const capture = await startOtlpCapture();
  closers.push(capture.close);
  const source = await testApp({
    tracing: {
      otlp: {
        url: `${capture.url}/v1/traces`,
        protocol,
        contentPolicy,
        scheduledDelayMillis: 10,
        maxExportBatchSize: 16,
      },
    },
  });
  closers.push(() => source.tracing.shutdown());
  const ids: string[] = [];
  for (const body of flows) {
    const res = await request(source.app).post('/api/schema/pipeline/execute').send(body);
    expect([200, 403]).toContain(res.status);
    ids.push(res.body.execution_id as string);
  }
  await source.tracing.forceFlush();
  const records = new Map<string, ExecutionRecord>();
  for (const id of ids) records.set(id, (await source.store.get(id))!);
  expect(capture.requests.length).toBeGreaterThan(1);
  return { ids, records, requests: capture.requests };
}

async function replay(bodies: CapturedRequest[]) {
  const target = await ingestApp();
  closers.push(() => target.ingest.shutdown());
  for (const r of bodies) {
    const req = request(target.app).post('/v1/traces').set('content-type', r.contentType);
    if (r.contentEncoding) req.set('content-encoding', r.contentEncoding);
    // superagent would serialize a Buffer sent as JSON; a string goes as it is.
    const plainJson = r.contentType.includes('json') && !r.contentEncoding;
    const res = await req.send(plainJson ? r.body.toString('utf8') : r.body);
    expect(res.status).toBe(200);
  }
  await target.ingest.forceFlush();
  return target;
}

/** Every span of the captured protobuf requests as its own request, in the given order. */
function oneSpanPerRequest(requests: CapturedRequest[], order: (n: number) => number[]) {
  const singles: CapturedRequest[] = [];
  for (const r of requests) {
    const message = ExportTraceServiceRequestType.toObject(
      ExportTraceServiceRequestType.decode(r.body),
    );
    for (const rs of message.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const span of ss.spans ?? []) {
          const one = { resourceSpans: [{ ...rs, scopeSpans: [{ ...ss, spans: [span] }] }] };
          const body = Buffer.from(
            ExportTraceServiceRequestType.encode(
              ExportTraceServiceRequestType.fromObject(one),
            ).finish(),
          );
          singles.push({ contentType: 'application/x-protobuf', contentEncoding: undefined, body });
        }
  }
  return order(singles.length).map((i) => singles[i]!);
}

async function expectSameRecords(
  target: Awaited<ReturnType<typeof ingestApp>>,
  records: Map<string, ExecutionRecord>,
) {
  for (const [id, record] of records) {
    const replayed = await target.store.get(id);
    expect(replayed, id).toBeDefined();
    expect(serializeRecord(replayed!)).toBe(serializeRecord(record));
  }
}

describe("OTLP ingest replays this project's own export", () => {
  it("gives records identical to the first instance's from its protobuf export (full policy)", async () => {
    const { records, requests } = await runFlows('http/protobuf', 'full');
    const target = await replay(requests);
    await expectSameRecords(target, records);
    expect(target.ingest.stats()).toMatchObject({
      spans_rejected: 0,
      records_assembled: records.size,
    });
  });

  it('gives the same records from spans sent one per request, in reverse and shuffled order, some gzipped', async () => {
    const { records, requests } = await runFlows('http/protobuf', 'full');
    const reverse = oneSpanPerRequest(requests, (n) => [...Array(n).keys()].reverse());
    await expectSameRecords(await replay(reverse), records);
    let seed = 7;
    const shuffled = oneSpanPerRequest(requests, (n) => {
      const order = [...Array(n).keys()];
      for (let i = n - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const j = seed % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      return order;
    }).map((r, i) => (i % 2 ? { ...r, contentEncoding: 'gzip', body: gzipSync(r.body) } : r));
    await expectSameRecords(await replay(shuffled), records);
  });

  it('keeps a run whose run span came first `incomplete` until its late spans are merged, never `completed` with items missing', async () => {
    const { records, requests } = await runFlows('http/protobuf', 'full');
    const singles = oneSpanPerRequest(requests, (n) => [...Array(n).keys()]);
    const isRun = (r: CapturedRequest) =>
      JSON.stringify(
        ExportTraceServiceRequestType.toObject(ExportTraceServiceRequestType.decode(r.body)),
      ).includes('"stringValue":"run"');
    const target = await ingestApp();
    closers.push(() => target.ingest.shutdown());
    const send = async (bodies: CapturedRequest[]) => {
      for (const r of bodies) {
        const res = await request(target.app)
          .post('/v1/traces')
          .set('content-type', r.contentType)
          .send(r.body);
        expect(res.status).toBe(200);
      }
      await target.ingest.forceFlush();
    };
    await send(singles.filter(isRun));
    for (const [id, record] of records) {
      const early = (await target.store.get(id))!;
      expect(early.items.length).toBeLessThan(record.items.length);
      expect(early.status, id).toBe('incomplete');
    }
    await send(singles.filter((r) => !isRun(r)));
    await expectSameRecords(target, records);
    expect([...records.values()].map((r) => r.status).sort()).toEqual([
      'blocked',
      'completed',
      'completed',
      'completed',
    ]);
  });

  it('gives the same records from its protobuf export sent over OTLP/gRPC', async () => {
    const { records, requests } = await runFlows('http/protobuf', 'full');
    const target = await ingestApp();
    closers.push(() => target.ingest.shutdown());
    const grpc = await startOtlpGrpc({ ingest: target.ingest, host: '127.0.0.1', port: 0 });
    closers.push(() => grpc.close(1_000));
    for (const r of requests) {
      const body = r.contentEncoding === 'gzip' ? gunzipSync(r.body) : r.body;
      expect((await exportCall(grpc.port, body)).code).toBe(status.OK);
    }
    await target.ingest.forceFlush();
    await expectSameRecords(target, records);
  });

  it('gives the same records from its OTLP/JSON export', async () => {
    const { records, requests } = await runFlows('http/json', 'full', FLOWS.slice(0, 2));
    expect(requests[0]!.contentType).toMatch(/^application\/json/);
    await expectSameRecords(await replay(requests), records);
  });

  it('says which texts were withheld under the metadata policy, never empty strings', async () => {
    const { records, requests } = await runFlows('http/protobuf', 'metadata');
    const target = await replay(requests);
    let withheld = 0;
    for (const [id, record] of records) {
      const replayed = (await target.store.get(id))!;
      const expected = {
        ...record,
        items: record.items.map((item) => {
          const metadata = { ...item.metadata };
          if (Array.isArray(metadata.found_terms)) {
            metadata.found_terms_count = metadata.found_terms.length;
            delete metadata.found_terms;
          }
          if (typeof metadata.verdict_text === 'string') {
            metadata.verdict_text_length = [...metadata.verdict_text].length;
            metadata.verdict_text_sha256 = createHash('sha256')
              .update(metadata.verdict_text)
              .digest('hex');
            delete metadata.verdict_text;
          }
          if (item.content === null) return { ...item, metadata };
          withheld += 1;
          return {
            ...item,
            content: null,
            metadata: {
              ...metadata,
              content_withheld: true,
              content_length: [...item.content].length,
              content_sha256: createHash('sha256').update(item.content).digest('hex'),
            },
          };
        }),
      };
      expect(replayed).toEqual(expected);
      expect(replayed.items.some((i) => i.content === '')).toBe(false);
    }
    expect(withheld).toBeGreaterThan(10);
  });
});
