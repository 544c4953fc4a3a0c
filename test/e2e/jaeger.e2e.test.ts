import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { jaegerBinary, type Proc } from '../helpers/processes.js';
import {
  startCollector,
  startJaeger,
  startPipelineServer,
  waitForTrace,
  type JaegerSpan,
} from '../helpers/observability-stack.js';
import { eventually } from '../helpers/eventually.js';

// Real Jaeger v2 (all-in-one, memory storage), the project's collector configuration run by
// Jaeger's binary, and the pipeline server as a child process, all on loopback.

let binary: string;
let jaeger: Awaited<ReturnType<typeof startJaeger>>;
let collector: Awaited<ReturnType<typeof startCollector>>;
let full: Awaited<ReturnType<typeof startPipelineServer>>;
let metadataOnly: Awaited<ReturnType<typeof startPipelineServer>>;
const procs: Proc[] = [];
const roots: string[] = [];

/** Store and media directories for one server, alive for the whole suite. */
async function dirs() {
  const root = await mkdtemp(join(tmpdir(), 'e2e-'));
  roots.push(root);
  return { EXECUTIONS_DIR: join(root, 'executions'), MEDIA_DIR: join(root, 'media') };
}

beforeAll(async () => {
  binary = jaegerBinary();
  jaeger = await startJaeger(binary);
  procs.push(jaeger.proc);
  collector = await startCollector(jaeger.ports.otlpGrpc, { binary });
  procs.push(collector.proc);
  const common = {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    JAEGER_UI_URL: jaeger.queryUrl,
  };
  full = await startPipelineServer({
    ...common,
    ...(await dirs()),
    OTLP_CONTENT_POLICY: 'full',
    OTEL_SERVICE_NAME: 'execution-history-e2e',
  });
  metadataOnly = await startPipelineServer({
    ...common,
    ...(await dirs()),
    OTLP_CONTENT_POLICY: 'metadata',
  });
  procs.push(full.proc, metadataOnly.proc);
}, 1_200_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

async function execute(server: { url: string }, body: object) {
  const started = performance.now();
  const res = await fetch(`${server.url}/api/schema/pipeline/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { execution_id: string; trace_id: string; trace_url: string };
  return { status: res.status, body: json, millis: performance.now() - started };
}

async function recordOf(
  server: { url: string },
  id: string,
): Promise<ExecutionRecord & { trace_url: string }> {
  return eventually(
    async () => {
      const res = await fetch(`${server.url}/api/executions/${id}`);
      if (!res.ok) return false;
      const record = (await res.json()) as ExecutionRecord & { trace_url: string };
      return record.status !== 'incomplete' && record;
    },
    { timeoutMillis: 5_000, intervalMillis: 100, what: `the final record of ${id}` },
  );
}

const STAGE_OPERATIONS = [
  'stage1 pre-interception',
  'stage2 interception',
  'stage3 pre-output safety',
  'stage4 generation',
];
const role = (spans: JaegerSpan[], r: string) =>
  spans.filter((s) => s.attributes['execution.span.role'] === r);
const seconds = (s: JaegerSpan) => Number(s.endNs - s.startNs) / 1e9;

const FLOWS = [
  {
    name: '(a) dada, text only',
    body: { schema: 'dada', input_text: 'Eine Blume auf der Wiese', output_config: 'none' },
    status: 200,
    spans: 8,
    iterations: 0,
    loops: 0,
  },
  {
    name: '(a′) dada with an image',
    body: { schema: 'dada', input_text: 'Eine Blume auf der Wiese' },
    status: 200,
    spans: 11,
    iterations: 0,
    loops: 1,
  },
  {
    name: '(b) stillepost, 8 iterations',
    body: { schema: 'stillepost', input_text: 'Eine Blume auf der Wiese' },
    status: 200,
    spans: 23,
    iterations: 8,
    loops: 0,
  },
  {
    name: '(c) two outputs, one blocked',
    body: {
      schema: 'image_comparison',
      input_text: 'Ein freundliches Skelett tanzt lachend auf einem Kindergeburtstag',
    },
    status: 200,
    spans: 12,
    iterations: 0,
    loops: 2,
  },
  {
    name: '(d) blocked at stage 1',
    body: { schema: 'dada', input_text: 'Ich sprühe ein Hakenkreuz an die Schulwand' },
    status: 403,
    spans: 4,
    iterations: 0,
    loops: 0,
  },
] as const;

describe('records and traces of the same runs, through a real collector into Jaeger', () => {
  it.each(FLOWS)(
    '$name: record file and Jaeger trace agree',
    async (flow) => {
      const res = await execute(full, flow.body);
      expect(res.status).toBe(flow.status);
      const record = await recordOf(full, res.body.execution_id);
      expect(record.trace_id).toBe(res.body.trace_id);
      expect(record.trace_url).toBe(`${jaeger.queryUrl}/trace/${record.trace_id}`);

      const spans = await waitForTrace(jaeger.queryUrl, record.trace_id!, flow.spans);
      expect(spans).toHaveLength(flow.spans);
      const [run] = role(spans, 'run');
      expect(run).toBeDefined();
      expect(run!.parentSpanId).toBeUndefined();
      expect(run!.name).toBe(`execution ${flow.body.schema}`);
      expect(run!.attributes).toMatchObject({
        'execution.id': record.execution_id,
        'execution.status': record.status,
        'execution.config_name': flow.body.schema,
      });
      // Stage spans are children of the run; iterations children of stage 2; one stage 3/4 span per output.
      for (const s of [...role(spans, 'stage'), ...role(spans, 'start')])
        expect(s.parentSpanId).toBe(run!.spanId);
      const iterations = role(spans, 'iteration');
      expect(iterations).toHaveLength(flow.iterations);
      // Span names are operations: numbers and output configs are attributes.
      for (const s of iterations) expect(s.name).toBe('stage2 iteration');
      for (const s of role(spans, 'stage')) expect(STAGE_OPERATIONS).toContain(s.name);
      const stage2 = role(spans, 'stage').find((s) => s.attributes['execution.stage'] === 2);
      for (const it of iterations) expect(it.parentSpanId).toBe(stage2!.spanId);
      expect(iterations.map((s) => s.attributes['execution.stage_iteration']).sort()).toEqual(
        Array.from({ length: flow.iterations }, (_, i) => i + 1),
      );
      const stage3 = role(spans, 'stage').filter((s) => s.attributes['execution.stage'] === 3);
      expect(stage3.map((s) => s.attributes['execution.loop_iteration']).sort()).toEqual(
        Array.from({ length: flow.loops }, (_, i) => i + 1),
      );
      // Every record item is an event in Jaeger with the same sequence number, type and stage.
      const events = spans.flatMap((s) =>
        s.events.filter((e) => 'execution.item.sequence_number' in e.attributes),
      );
      const bySeq = new Map(events.map((e) => [e.attributes['execution.item.sequence_number'], e]));
      expect(bySeq.size).toBe(record.items.length);
      for (const item of record.items) {
        const e = bySeq.get(item.sequence_number)!;
        expect(e.name).toBe(item.item_type);
        expect(e.attributes['execution.item.stage']).toBe(item.stage);
        if (item.content !== null)
          expect(e.attributes['execution.item.content']).toBe(item.content);
      }
      // gen_ai attributes on every backend call; the stage 1 term-list checks are guardrails.
      for (const b of role(spans, 'backend')) {
        if (b.attributes['gen_ai.operation.name'] === 'apply_guardrail') {
          expect(b.attributes).toMatchObject({
            'gen_ai.guardian.name': 'stage1 term filter',
            'openinference.span.kind': 'GUARDRAIL',
          });
          continue;
        }
        expect(b.attributes).toMatchObject({ 'gen_ai.provider.name': 'offline' });
        expect(['chat', 'generate_content']).toContain(b.attributes['gen_ai.operation.name']);
        expect(typeof b.attributes['gen_ai.request.model']).toBe('string');
      }
      // Durations agree with the record's timings.
      expect(seconds(run!)).toBeCloseTo(record.total_execution_time!, 3);
      for (const s of spans) {
        expect(s.startNs >= run!.startNs && s.endNs <= run!.endNs).toBe(true);
      }
      const output = record.items.find((i) => i.item_type === 'output_image');
      if (output) {
        const gen = role(spans, 'backend').find(
          (b) => b.attributes['gen_ai.operation.name'] === 'generate_content',
        )!;
        expect(output.execution_time!).toBeLessThanOrEqual(seconds(gen) + 1e-3);
      }
    },
    60_000,
  );

  it('with the metadata content policy, Jaeger gets length and hash instead of the text', async () => {
    const text = 'Eine Blume auf der Wiese';
    const res = await execute(metadataOnly, {
      schema: 'dada',
      input_text: text,
      output_config: 'none',
    });
    const record = await recordOf(metadataOnly, res.body.execution_id);
    expect(record.items[1]!.content).toBe(text); // the record keeps everything
    const spans = await waitForTrace(jaeger.queryUrl, res.body.trace_id, 6);
    const input = spans.flatMap((s) => s.events).find((e) => e.name === 'user_input_text')!;
    expect(input.attributes['execution.item.content']).toBeUndefined();
    expect(input.attributes['execution.item.content_length']).toBe(text.length);
    expect(input.attributes['execution.item.content_sha256']).toBe(
      createHash('sha256').update(text).digest('hex'),
    );
    expect(
      JSON.stringify(spans, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
    ).not.toContain('Blume');
  }, 60_000);

  it('the redaction overlay drops item events with text in the collector', async () => {
    const redacting = await startCollector(jaeger.ports.otlpGrpc, {
      binary,
      extraConfigs: ['collector-config/redact-content.yaml'],
    });
    procs.push(redacting.proc);
    const server = await startPipelineServer({
      OTEL_EXPORTER_OTLP_ENDPOINT: redacting.otlpHttpUrl,
      OTLP_CONTENT_POLICY: 'full',
      ...(await dirs()),
    });
    procs.push(server.proc);
    const res = await execute(server, {
      schema: 'dada',
      input_text: 'Eine Blume',
      output_config: 'none',
    });
    const spans = await waitForTrace(jaeger.queryUrl, res.body.trace_id, 6);
    const names = spans.flatMap((s) => s.events.map((e) => e.name));
    expect(names).toContain('stage1_safety_check');
    expect(names).not.toContain('user_input_text');
    expect(
      JSON.stringify(spans, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
    ).not.toContain('Blume');
    await Promise.all([server.proc.stop(), redacting.proc.stop()]);
  }, 60_000);
});

describe('Jaeger’s view of the runs', () => {
  it('has one operation per stage, whatever the iterations and loops', async () => {
    const res = await fetch(
      `${jaeger.queryUrl}/api/v3/operations?service=execution-history-e2e&span_kind=`,
    );
    const { operations } = (await res.json()) as { operations: { name: string }[] };
    const names = operations.map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining([...STAGE_OPERATIONS, 'stage2 iteration']));
    expect(names.filter((n) => /#|\d$/.test(n) && !n.startsWith('chat '))).toEqual([]);
  });
});

describe('Jaeger without Docker (collector-config/jaeger-local.yaml)', () => {
  it('runs the config: receives OTLP on loopback, answers the query API, serves the UI assets with the record link', async () => {
    const assets = await mkdtemp(join(tmpdir(), 'jaeger-ui-'));
    roots.push(assets);
    await writeFile(
      join(assets, 'index.html'),
      '<html><script>const JAEGER_CONFIG = DEFAULT_CONFIG;</script>local UI</html>',
    );
    const local = await startJaeger(binary, {
      config: 'collector-config/jaeger-local.yaml',
      env: { JAEGER_UI_ASSETS: assets },
    });
    procs.push(local.proc);
    const server = await startPipelineServer({
      OTEL_EXPORTER_OTLP_ENDPOINT: local.otlpHttpUrl,
      JAEGER_UI_URL: local.queryUrl,
      ...(await dirs()),
    });
    procs.push(server.proc);
    const res = await execute(server, {
      schema: 'dada',
      input_text: 'Eine Blume',
      output_config: 'none',
    });
    const spans = await waitForTrace(local.queryUrl, res.body.trace_id, 6);
    expect(role(spans, 'run')[0]!.attributes['execution.id']).toBe(res.body.execution_id);
    const page = await (await fetch(`${local.queryUrl}/search`)).text();
    expect(page).toContain('local UI');
    expect(page).toContain('"key":"execution.id"');
    expect(page).toContain('/api/executions/#{execution.id}');
    await Promise.all([server.proc.stop(), local.proc.stop()]);
  }, 60_000);
});

describe('collector faults', () => {
  it('collector stopped: answers as fast and records stay complete; restarted: runs reach Jaeger again', async () => {
    const body = { schema: 'dada', input_text: 'Eine Blume', output_config: 'none' };
    const timed = async (n: number) => {
      const out: { millis: number; id: string; trace: string }[] = [];
      for (let i = 0; i < n; i++) {
        const r = await execute(full, body);
        expect(r.status).toBe(200);
        out.push({ millis: r.millis, id: r.body.execution_id, trace: r.body.trace_id });
      }
      return out;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    await timed(5); // warm-up
    const before = await timed(15);
    await collector.proc.stop();
    const during = await timed(15);
    expect(median(during.map((r) => r.millis))).toBeLessThan(
      median(before.map((r) => r.millis)) * 3 + 25,
    );
    for (const r of during)
      expect((await recordOf(full, r.id)).items.at(-1)!.item_type).toBe('pipeline_complete');

    collector = await startCollector(jaeger.ports.otlpGrpc, { binary, ports: collector.ports });
    procs.push(collector.proc);
    const after = await timed(1);
    const spans = await waitForTrace(jaeger.queryUrl, after[0]!.trace, 6, 30_000);
    expect(role(spans, 'run')).toHaveLength(1);
  }, 120_000);
});

it('finds the Jaeger binary through the project script, cached', () => {
  expect(existsSync(jaegerBinary())).toBe(true);
});
