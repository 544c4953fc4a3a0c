import { status } from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { OtlpIngest } from '../../../src/server/otlp/otlp-ingest.js';
import { ExportTraceServiceResponseType, RpcStatusType } from '../../../src/ingest/otlp-proto.js';
import { startOtlpGrpc, type OtlpGrpcOptions } from '../../../src/server/otlp/otlp-grpc.js';
import { tokenCheckFrom } from '../../../src/server/auth/token-check.js';
import { ROLE_TOKEN_ENTRIES, ROLE_TOKENS } from '../../helpers/role-tokens.js';
import { MemoryRecordStore } from '../../../src/store/memory-record-store.js';
import type { RecordStore } from '../../../src/store/record-store.js';
import * as A from '../../../src/telemetry/tracker/attributes.js';
import { exportCall } from '../../helpers/otlp-grpc-client.js';
import {
  hexToBase64,
  ID,
  int,
  protobuf,
  runRequest,
  str,
  TRACE,
} from '../../helpers/otlp-requests.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A real OTLP/gRPC receiver on a free loopback port, ingesting into `store`. */
async function receiver(
  options: Partial<Omit<OtlpGrpcOptions, 'ingest'>> & {
    store?: RecordStore;
    record?: ConstructorParameters<typeof OtlpIngest>[0]['record'];
    limits?: ConstructorParameters<typeof OtlpIngest>[0]['limits'];
  } = {},
) {
  const store = options.store ?? new MemoryRecordStore();
  const ingest = new OtlpIngest({
    store,
    limits: options.limits,
    ...(options.record ? { record: options.record } : {}),
  });
  const server = await startOtlpGrpc({ host: '127.0.0.1', port: 0, ...options, ingest });
  closers.push(() => ingest.shutdown());
  closers.push(() => server.close(1_000));
  return { store, ingest, port: server.port };
}

const partialSuccess = (response: Buffer | undefined) =>
  ExportTraceServiceResponseType.toObject(ExportTraceServiceResponseType.decode(response!), {
    longs: Number,
  }) as { partialSuccess?: { rejectedSpans: number; errorMessage: string } };

const RUN = protobuf(hexToBase64(runRequest()));

describe('OTLP/gRPC ingest (TraceService/Export)', () => {
  it('answers RESOURCE_EXHAUSTED with a RetryInfo while the run buffer is full, and still takes whole runs', async () => {
    const { port, ingest } = await receiver({
      limits: { maxBufferedBytes: 100, retryAfterSeconds: 7 },
    });
    const doc = runRequest();
    doc.resourceSpans[0]!.scopeSpans[0]!.spans.pop(); // the start span alone: the run stays open
    const answer = await exportCall(port, protobuf(hexToBase64(doc)));
    expect(answer.code).toBe(status.RESOURCE_EXHAUSTED);
    const details = RpcStatusType.toObject(RpcStatusType.decode(answer.statusDetails!), {
      longs: Number,
    }) as { code: number; details: { typeUrl: string; value: Uint8Array }[] };
    expect(details.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(details.details[0]!.typeUrl).toBe('type.googleapis.com/google.rpc.RetryInfo');
    // RetryInfo { retry_delay { seconds: 7 } }: field 1 (message) holding field 1 (varint) 7.
    expect([...details.details[0]!.value]).toEqual([0x0a, 0x02, 0x08, 0x07]);
    expect(ingest.stats().requests_throttled).toBe(1);
    expect((await exportCall(port, RUN)).code).toBe(status.OK);
  });

  it('assembles a run sent over gRPC into its record and answers an empty ExportTraceServiceResponse', async () => {
    const { port, store, ingest } = await receiver();
    const answer = await exportCall(port, RUN);
    expect(answer.code).toBe(status.OK);
    expect(partialSuccess(answer.response)).toEqual({});
    await ingest.forceFlush();
    expect(await store.get(ID)).toMatchObject({
      trace_id: TRACE,
      status: 'completed',
      items: [{ item_type: 'user_input_text', content: 'Eine Blume' }],
    });
    expect(ingest.stats()).toMatchObject({ requests: 1, spans_accepted: 2, records_assembled: 1 });
  });

  it('takes gzip-compressed messages (grpc-encoding gzip), as the Collector sends them', async () => {
    const { port, store, ingest } = await receiver();
    const answer = await exportCall(port, RUN, {
      channel: { 'grpc.default_compression_algorithm': 2 },
    });
    expect(answer.code).toBe(status.OK);
    await ingest.forceFlush();
    expect((await store.get(ID))!.items).toHaveLength(1);
  });

  it('answers partial_success with a count and a message for the spans it rejects', async () => {
    const { port, store, ingest } = await receiver();
    const bad = {
      traceId: TRACE,
      spanId: '00f067aa0ba902ba',
      startTimeUnixNano: '1735732800000000000',
      endTimeUnixNano: '1735732801000000000',
      attributes: [str(A.ATTR_EXECUTION_ID, ID), str(A.ATTR_SPAN_ROLE, 'stage')],
      events: [{ timeUnixNano: '1', name: 'x', attributes: [int(A.ATTR_ITEM_SEQUENCE, -3)] }],
    };
    const badIds = { ...bad, traceId: 'abcd', spanId: '00f067aa0ba902bb', events: [] };
    const answer = await exportCall(port, protobuf(hexToBase64(runRequest([bad, badIds]))));
    expect(answer.code).toBe(status.OK);
    expect(partialSuccess(answer.response).partialSuccess).toMatchObject({
      rejectedSpans: 2,
      errorMessage: expect.stringMatching(/is not a valid item/),
    });
    await ingest.forceFlush();
    expect((await store.get(ID))!.items).toHaveLength(1);
  });

  it('requires the bearer token in the authorization metadata when one is set', async () => {
    const { port, store } = await receiver({ apiToken: 'grpc-token-0123456789' });
    expect((await exportCall(port, RUN)).code).toBe(status.UNAUTHENTICATED);
    expect((await exportCall(port, RUN, { token: 'wrong-token-0123456789' })).code).toBe(
      status.UNAUTHENTICATED,
    );
    expect((await store.list()).total).toBe(0);
    expect((await exportCall(port, RUN, { token: 'grpc-token-0123456789' })).code).toBe(status.OK);
  });

  it('takes an ingest token and answers PERMISSION_DENIED to a viewer token', async () => {
    const { port, store } = await receiver({
      tokens: tokenCheckFrom({ tokens: ROLE_TOKEN_ENTRIES }),
    });
    const viewer = await exportCall(port, RUN, { token: ROLE_TOKENS.viewer });
    expect(viewer.code).toBe(status.PERMISSION_DENIED);
    expect(viewer.details).toMatch(/needs the ingest role/);
    expect((await store.list()).total).toBe(0);
    expect((await exportCall(port, RUN, { token: ROLE_TOKENS.ingest })).code).toBe(status.OK);
  });

  it('answers INVALID_ARGUMENT for a malformed message and saves nothing', async () => {
    const { port, store, ingest } = await receiver();
    for (const body of [
      RUN.subarray(0, RUN.length - 7),
      Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
    ]) {
      const answer = await exportCall(port, body);
      expect(answer.code).toBe(status.INVALID_ARGUMENT);
      expect(answer.details).toMatch(/not an ExportTraceServiceRequest/);
    }
    await ingest.forceFlush();
    expect((await store.list()).total).toBe(0);
    expect(ingest.stats().requests_refused).toBe(2);
  });

  it('answers RESOURCE_EXHAUSTED past the size limit, also for gzip that inflates past it', async () => {
    const { port, store } = await receiver({ maxMessageBytes: 64 * 1024 });
    const huge = await exportCall(port, Buffer.alloc(200 * 1024));
    expect(huge.code).toBe(status.RESOURCE_EXHAUSTED);
    const bomb = await exportCall(port, Buffer.alloc(50 * 1024 * 1024), {
      channel: { 'grpc.default_compression_algorithm': 2 },
    });
    expect(bomb.code).toBe(status.RESOURCE_EXHAUSTED);
    expect((await exportCall(port, RUN)).code).toBe(status.OK);
    expect((await store.list()).total).toBe(1);
  });

  it('answers UNAVAILABLE (retryable) while the store refuses records, then saves on the retry', async () => {
    const real = new MemoryRecordStore();
    let down = true;
    const flaky = Object.assign(Object.create(real) as MemoryRecordStore, {
      save: (r: Parameters<MemoryRecordStore['save']>[0]) =>
        down ? Promise.reject(new Error('disk full')) : real.save(r),
    });
    const { port } = await receiver({ store: flaky, record: { retryInitialMillis: 60_000 } });
    const refused = await exportCall(port, RUN);
    expect(refused).toMatchObject({ code: status.UNAVAILABLE, details: /cannot be saved/ });
    down = false;
    expect((await exportCall(port, RUN)).code).toBe(status.OK);
    expect((await real.get(ID))!.items).toHaveLength(1);
  });

  it('answers UNAVAILABLE while the service shuts down', async () => {
    let stopping = false;
    const { port, store } = await receiver({ isShuttingDown: () => stopping });
    stopping = true;
    expect((await exportCall(port, RUN)).code).toBe(status.UNAVAILABLE);
    expect((await store.list()).total).toBe(0);
  });

  it('never answers INTERNAL nor saves a half record for random messages (fuzz, fixed seed)', async () => {
    const { port, store, ingest } = await receiver();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
          fc.tuple(fc.nat(400), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
            const b = Buffer.from(RUN);
            b[at % b.length] = byte;
            return b;
          }),
        ),
        async (body) => {
          const answer = await exportCall(port, body);
          expect([status.OK, status.INVALID_ARGUMENT]).toContain(answer.code);
          await ingest.forceFlush();
          const saved = await store.get(ID);
          if (saved) expect(saved.status).toBe('completed');
        },
      ),
      { seed: 20261202, numRuns: 150, interruptAfterTimeLimit: 15_000 },
    );
  });
});
