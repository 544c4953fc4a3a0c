import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import {
  RECORD_SERVICE_TOKENS,
  startRecordService,
  startCollector,
  startJaeger,
  startPipelineServer,
  waitForTrace,
} from '../helpers/observability-stack.js';
import { phoenixSpans, startPhoenix, type PhoenixSpan } from '../helpers/phoenix.js';
import type { Proc } from '../helpers/processes.js';
import { eventually } from '../helpers/eventually.js';

// A GenAI-aware backend that runs here: the pipeline (default content policy) sends its spans
// through the project's collector to Jaeger, a record service and Arize Phoenix (PyPI, SQLite,
// loopback); Phoenix's own API must show the model calls as LLM spans with model and tokens,
// the safety checks as guardrails, and no word of the child's prompt.
const procs: Proc[] = [];
let root: string;
let jaeger: Awaited<ReturnType<typeof startJaeger>>;
let phoenix: Awaited<ReturnType<typeof startPhoenix>>;
let pipeline: { url: string };
let records: { url: string };
const TOKEN = RECORD_SERVICE_TOKENS.admin;
const INGEST_TOKEN = RECORD_SERVICE_TOKENS.ingest;
const PROMPT = 'Ein Schmetterling landet sanft auf meiner Nasenspitze';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'phoenix-e2e-'));
  phoenix = await startPhoenix();
  procs.push(phoenix.proc);
  jaeger = await startJaeger();
  procs.push(jaeger.proc);
  const service = await startRecordService(root);
  procs.push(service.proc);
  records = service;
  const collector = await startCollector(jaeger.ports.otlpGrpc, {
    extraConfigs: ['collector-config/to-record-service.yaml', 'collector-config/to-phoenix.yaml'],
    env: {
      RECORD_SERVICE_ENDPOINT: service.url,
      RECORD_SERVICE_TOKEN: INGEST_TOKEN,
      PHOENIX_ENDPOINT: phoenix.url,
    },
  });
  procs.push(collector.proc);
  const app = await startPipelineServer({
    EXECUTIONS_DIR: join(root, 'pipeline'),
    MEDIA_DIR: join(root, 'pipeline-media'),
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTLP_INGEST: 'off',
    GENAI_STUDY_KEY: 'study-key-of-the-phoenix-e2e',
  });
  procs.push(app.proc);
  pipeline = app;
}, 180_000);

afterAll(async () => {
  for (const p of procs.reverse()) await p.stop();
  await rm(root, { recursive: true, force: true });
  if (phoenix) await rm(phoenix.workDir, { recursive: true, force: true });
});

async function run(body: object): Promise<{ execution_id: string; trace_id: string }> {
  const res = await fetch(`${pipeline.url}/api/schema/pipeline/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { execution_id: string; trace_id: string };
}

async function spansOfTrace(traceId: string, atLeast: number): Promise<PhoenixSpan[]> {
  return eventually(
    async () => {
      const spans = (await phoenixSpans(phoenix.url)).filter((s) => s.context.trace_id === traceId);
      return spans.length >= atLeast ? spans : false;
    },
    {
      timeoutMillis: 30_000,
      intervalMillis: 150,
      what: `${atLeast} spans of trace ${traceId} in Phoenix`,
    },
  );
}

const attr = (s: PhoenixSpan, key: string): unknown => {
  // Phoenix answers with flat dotted keys; older versions nest them.
  if (key in s.attributes) return s.attributes[key];
  return key
    .split('.')
    .reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], s.attributes);
};

describe('the same spans in Arize Phoenix (a GenAI backend), Jaeger and the record service', () => {
  it('Phoenix shows stage 2 calls as LLM spans with model and tokens, safety checks as guardrails, and no child’s text', async () => {
    const stille = await run({ schema: 'stillepost', input_text: PROMPT, output_config: 'none' });
    const dada = await run({ schema: 'dada', input_text: PROMPT });
    const jaegerSpans = await waitForTrace(jaeger.queryUrl, stille.trace_id, 12);
    const spans = await spansOfTrace(stille.trace_id, jaegerSpans.length);
    expect(spans).toHaveLength(jaegerSpans.length);

    const llm = spans.filter((s) => s.span_kind === 'LLM');
    // One translation in stage 1, eight Stille Post iterations in stage 2.
    expect(llm.length).toBe(9);
    for (const s of llm) {
      expect(attr(s, 'llm.model_name')).toEqual(expect.any(String));
      expect(attr(s, 'llm.token_count.prompt')).toEqual(expect.any(Number));
      expect(attr(s, 'llm.token_count.completion')).toEqual(expect.any(Number));
      expect(attr(s, 'gen_ai.operation.name')).toBe('chat');
    }
    const guardrails = spans.filter((s) => s.span_kind === 'GUARDRAIL');
    expect(guardrails.map((g) => attr(g, 'gen_ai.guardian.name'))).toContain('stage1 term filter');
    const dadaSpans = await spansOfTrace(dada.trace_id, 6);
    expect(
      dadaSpans
        .filter((s) => s.span_kind === 'GUARDRAIL')
        .map((g) => attr(g, 'gen_ai.guardian.name')),
    ).toContain('stage3 pre-output safety');

    // Under the default content policy not one word of the prompt reached Phoenix.
    const everything = JSON.stringify(await phoenixSpans(phoenix.url));
    for (const word of PROMPT.split(' ').filter((w) => w.length > 3))
      expect(everything).not.toContain(word);
    expect(everything).not.toMatch(/gen_ai\.(input|output)\.messages|gen_ai\.prompt/);

    // The record service assembled the run from the same spans, with its token totals.
    const record = await eventually(
      async () => {
        const res = await fetch(`${records.url}/api/executions/${stille.execution_id}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        const found = res.ok ? ((await res.json()) as ExecutionRecord) : undefined;
        return found?.status === 'completed' ? found : false;
      },
      { timeoutMillis: 30_000, intervalMillis: 100, what: 'the completed record' },
    );
    expect(record.status).toBe('completed');
    expect(record.token_usage?.calls).toBe(9);
  }, 120_000);
});
