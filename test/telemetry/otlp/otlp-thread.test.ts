import {
  context,
  diag,
  DiagLogLevel,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createServer } from 'node:net';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ExportTraceServiceRequestType } from '../../../src/ingest/otlp-proto.js';
import { OtlpPath } from '../../../src/telemetry/otlp/otlp-path.js';
import { eventually } from '../../helpers/eventually.js';
import { startOtlpCapture } from '../../helpers/otlp-capture.js';

const PROMPT = 'Ein Pferd fliegt über den Mond';

interface DecodedSpan {
  name: string;
  spanId: string;
  parentSpanId?: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
  events?: { name: string; attributes?: { key: string; value: Record<string, unknown> }[] }[];
  links?: { spanId: string }[];
  status?: { code?: number; message?: string };
}

const hex = (base64: string) => Buffer.from(base64, 'base64').toString('hex');

/** The spans of every protobuf request the capture got, ids in hex. */
function decoded(bodies: Buffer[]) {
  const spans: DecodedSpan[] = [];
  const resources: string[] = [];
  for (const body of bodies) {
    const doc = ExportTraceServiceRequestType.toObject(ExportTraceServiceRequestType.decode(body), {
      bytes: String, // base64
      longs: String,
      enums: Number,
    }) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { spans: DecodedSpan[] }[];
      }[];
    };
    for (const r of doc.resourceSpans) {
      resources.push(
        r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '',
      );
      for (const s of r.scopeSpans)
        for (const span of s.spans)
          spans.push({
            ...span,
            spanId: hex(span.spanId),
            parentSpanId: span.parentSpanId && hex(span.parentSpanId),
            links: span.links?.map((l) => ({ spanId: hex(l.spanId) })),
          });
    }
  }
  return { spans, resources };
}

const attr = (s: DecodedSpan | undefined, key: string) =>
  s?.attributes?.find((a) => a.key === key)?.value;

function tracerOf(otlp: OtlpPath): Tracer {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'otlp-thread-test' }),
    spanProcessors: [otlp],
  }).getTracer('otlp-thread-test', '1.0.0');
}

/** A parent with a child, a link, an item event carrying the child's text, and an error. */
function someSpans(tracer: Tracer, count: number): string {
  const parent = tracer.startSpan('run', { kind: SpanKind.SERVER });
  parent.setAttribute('execution.id', 'exec_thread_test');
  for (let i = 0; i < count; i++) {
    const child = tracer.startSpan(
      `stage ${i}`,
      { links: [{ context: parent.spanContext(), attributes: { why: 'test' } }] },
      trace.setSpan(context.active(), parent),
    );
    child.addEvent('execution.item', {
      'execution.item.type': 'user_input_text',
      'execution.item.content': PROMPT,
    });
    child.setStatus({ code: SpanStatusCode.ERROR, message: `refused: ${PROMPT}` });
    child.setAttribute('error.type', 'RangeError');
    child.end();
  }
  parent.end();
  return parent.spanContext().spanId;
}

async function refusedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}/v1/traces`;
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('the OTLP path exports from a thread of its own', () => {
  it('sends every span as the SDK would, parents, links and resource kept, the content policy applied', async () => {
    const capture = await startOtlpCapture();
    closers.push(capture.close);
    const otlp = new OtlpPath({ url: `${capture.url}/v1/traces`, scheduledDelayMillis: 10 });
    closers.push(() => otlp.shutdown());
    const parentId = someSpans(tracerOf(otlp), 5);
    await otlp.forceFlush();

    const { spans, resources } = decoded(capture.requests.map((r) => r.body));
    expect(capture.requests[0]!.contentType).toBe('application/x-protobuf');
    expect(spans.map((s) => s.name).sort()).toEqual(
      ['run', 'stage 0', 'stage 1', 'stage 2', 'stage 3', 'stage 4'].sort(),
    );
    expect(new Set(resources)).toEqual(new Set(['otlp-thread-test']));
    const run = spans.find((s) => s.name === 'run')!;
    expect(run.spanId).toBe(parentId);
    expect(run.kind).toBe(2); // SERVER, offset by one in OTLP
    expect(attr(run, 'execution.id')).toEqual({ stringValue: 'exec_thread_test' });
    for (const stage of spans.filter((s) => s.name !== 'run')) {
      expect(stage.parentSpanId).toBe(parentId);
      // metadata policy: the child's words stay in the process
      expect(stage.status).toMatchObject({ code: 2, message: 'RangeError' });
      const event = stage.events?.[0];
      expect(event?.name).toBe('execution.item');
      expect(event?.attributes?.map((a) => a.key)).not.toContain('execution.item.content');
      expect(
        event?.attributes?.find((a) => a.key === 'execution.item.content_length')?.value,
      ).toEqual({ intValue: String([...PROMPT].length) });
    }
    expect(capture.requests.map((r) => r.body.toString('latin1')).join('')).not.toContain('Pferd');
    expect(otlp.stats()).toMatchObject({
      state: 'ok',
      spans_exported: 6,
      spans_failed: 0,
      spans_queued: 0,
      spans_dropped: 0,
    });
  });

  it('hands a full message over in a turn of its own, never inside the span.end() that filled it', async () => {
    const capture = await startOtlpCapture();
    closers.push(capture.close);
    const otlp = new OtlpPath({ url: `${capture.url}/v1/traces`, scheduledDelayMillis: 10 });
    closers.push(() => otlp.shutdown());
    const thread = (otlp as unknown as { thread: { send: (spans: unknown[]) => void } }).thread;
    const sent: number[] = [];
    const send = thread.send.bind(thread);
    thread.send = (spans) => {
      sent.push(spans.length);
      send(spans);
    };
    const tracer = tracerOf(otlp);
    for (let i = 0; i < 600; i++) tracer.startSpan(`s${i}`).end();
    expect(sent).toEqual([]); // 600 ended spans, nothing copied inside those calls
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([600]);
    await otlp.forceFlush();
    expect(otlp.stats()).toMatchObject({ spans_exported: 600, spans_queued: 0 });
  });

  it('drops and counts a span that ends after shutdown, without throwing', async () => {
    const capture = await startOtlpCapture();
    closers.push(capture.close);
    const otlp = new OtlpPath({ url: `${capture.url}/v1/traces`, scheduledDelayMillis: 10 });
    const tracer = tracerOf(otlp);
    const late = tracer.startSpan('late');
    await otlp.shutdown();
    late.end();
    await new Promise((r) => setTimeout(r, 50)); // past the hand-over's timer
    await otlp.forceFlush();
    expect(otlp.stats()).toMatchObject({ spans_dropped: 1, spans_queued: 0 });
  });

  it('sends links, with the JSON protocol too', async () => {
    const capture = await startOtlpCapture();
    closers.push(capture.close);
    const otlp = new OtlpPath({
      url: `${capture.url}/v1/traces`,
      protocol: 'http/json',
      scheduledDelayMillis: 10,
    });
    closers.push(() => otlp.shutdown());
    const parentId = someSpans(tracerOf(otlp), 2);
    await otlp.forceFlush();
    expect(capture.requests[0]!.contentType).toBe('application/json');
    const spans = capture.requests.flatMap(
      (r) =>
        (
          JSON.parse(r.body.toString('utf8')) as {
            resourceSpans: { scopeSpans: { spans: (DecodedSpan & { links: unknown[] })[] }[] }[];
          }
        ).resourceSpans[0]!.scopeSpans[0]!.spans,
    );
    expect(spans).toHaveLength(3);
    for (const stage of spans.filter((s) => s.name !== 'run'))
      expect(stage.links).toEqual([
        {
          traceId: expect.any(String),
          spanId: parentId,
          attributes: [{ key: 'why', value: { stringValue: 'test' } }],
          droppedAttributesCount: 0,
          flags: 257,
        },
      ]);
  });

  it('counts the spans of a refused export as failed, says so in its state and in diag', async () => {
    const logged: unknown[][] = [];
    const log = (...args: unknown[]) => void logged.push(args);
    const ignore = () => {};
    diag.setLogger(
      { error: log, warn: log, info: ignore, debug: ignore, verbose: ignore },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
    closers.push(async () => diag.disable());
    const otlp = new OtlpPath({
      url: await refusedUrl(),
      scheduledDelayMillis: 10,
      timeoutMillis: 1_000,
    });
    closers.push(() => otlp.shutdown());
    someSpans(tracerOf(otlp), 3);
    await eventually(() => expect(otlp.stats().spans_failed).toBe(4));
    expect(otlp.stats()).toMatchObject({ state: 'failing', spans_exported: 0, spans_queued: 0 });
    expect(otlp.stats().last_error).toMatch(/ECONNREFUSED/);
    // The thread's exporter reports to this thread's diag, its error rebuilt with the code.
    await eventually(() => expect(JSON.stringify(logged)).toContain('ECONNREFUSED'));
    // A flush asked for meanwhile fails as the SDK's does (`createTracing` logs it).
    someSpans(tracerOf(otlp), 1);
    await expect(otlp.forceFlush()).rejects.toThrow();
    // Shut down with spans left and the collector still refusing: the thread stops all the same.
    someSpans(tracerOf(otlp), 1);
    await otlp.shutdown().catch(() => {});
    expect((otlp as unknown as { thread: { running: boolean } }).thread.running).toBe(false);
  });

  it('when the thread stops, counts what it held as failed and exports the rest from the pipeline’s thread', async () => {
    const capture = await startOtlpCapture();
    closers.push(capture.close);
    // Spans wait in the thread's batch for a minute: stopping the thread loses them.
    const otlp = new OtlpPath({ url: `${capture.url}/v1/traces`, scheduledDelayMillis: 60_000 });
    closers.push(() => otlp.shutdown());
    const tracer = tracerOf(otlp);
    someSpans(tracer, 2);
    const thread = (otlp as unknown as { thread: { worker: Worker } }).thread;
    await eventually(() => expect(otlp.stats().spans_queued).toBe(3));
    await new Promise((r) => setTimeout(r, 50)); // the message reaches the thread
    await thread.worker.terminate();
    await eventually(() => expect(otlp.stats().spans_failed).toBe(3));
    expect(otlp.stats().last_error).toBe('the OTLP exporter thread stopped');

    someSpans(tracer, 1);
    await otlp.forceFlush();
    const { spans } = decoded(capture.requests.map((r) => r.body));
    expect(spans.map((s) => s.name).sort()).toEqual(['run', 'stage 0']);
    expect(otlp.stats()).toMatchObject({ state: 'ok', spans_exported: 2, spans_queued: 0 });
  });
});
