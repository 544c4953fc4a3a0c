import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { serializeRecord } from '../../src/domain/record-codec.js';
import {
  RECORD_SERVICE_TOKENS,
  startRecordService,
  startCollector,
  startJaeger,
  startPipelineServer,
  waitForTrace,
} from '../helpers/observability-stack.js';
import type { Proc } from '../helpers/processes.js';
import { eventually } from '../helpers/eventually.js';

// The pipeline runs in one process and sends its spans through the project's collector
// (otel-collector.yaml + to-record-service.yaml, run by Jaeger's binary) to Jaeger and to a
// record service without a pipeline, which assembles the same records from the spans alone.
const procs: Proc[] = [];
let root: string;
let jaeger: Awaited<ReturnType<typeof startJaeger>>;
let pipeline: { url: string };
let records: { url: string };
const TOKEN = RECORD_SERVICE_TOKENS.admin;
// The collector holds an ingest token only (docs/hardening.md): it sends spans, reads nothing.
const INGEST_TOKEN = RECORD_SERVICE_TOKENS.ingest;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'record-service-'));
  jaeger = await startJaeger();
  procs.push(jaeger.proc);
  const service = await startRecordService(root);
  procs.push(service.proc);
  records = service;
  const collector = await startCollector(jaeger.ports.otlpGrpc, {
    extraConfigs: ['collector-config/to-record-service.yaml'],
    env: { RECORD_SERVICE_ENDPOINT: service.url, RECORD_SERVICE_TOKEN: INGEST_TOKEN },
  });
  procs.push(collector.proc);
  const app = await startPipelineServer({
    EXECUTIONS_DIR: join(root, 'pipeline'),
    MEDIA_DIR: join(root, 'pipeline-media'),
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTLP_CONTENT_POLICY: 'full',
    OTLP_INGEST: 'off',
  });
  procs.push(app.proc);
  pipeline = app;
}, 120_000);

afterAll(async () => {
  for (const p of procs.reverse()) await p.stop();
  await rm(root, { recursive: true, force: true });
});

const canonical = (r: ExecutionRecord) => serializeRecord({ ...r, trace_url: null });

describe('a record service behind the collector (PIPELINE=off, OTLP ingest)', () => {
  it('assembles the same records from the spans as the pipeline process wrote, and Jaeger has the traces', async () => {
    const bodies = [
      { schema: 'dada', input_text: 'Eine Blume auf der Wiese', output_config: 'none' },
      { schema: 'stillepost', input_text: 'Eine Blume auf der Wiese', output_config: 'none' },
      { schema: 'dada', input_text: 'Eine Blume auf der Wiese' },
      { schema: 'dada', input_text: 'Ich sprühe ein Hakenkreuz an die Schulwand' },
    ];
    const answers: { execution_id: string; trace_id: string }[] = [];
    for (const body of bodies) {
      const res = await fetch(`${pipeline.url}/api/schema/pipeline/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      answers.push((await res.json()) as { execution_id: string; trace_id: string });
    }
    const auth = { authorization: `Bearer ${TOKEN}` };
    const collectorReads = await fetch(`${records.url}/api/executions`, {
      headers: { authorization: `Bearer ${INGEST_TOKEN}` },
    });
    expect(collectorReads.status).toBe(403);
    for (const a of answers) {
      const mine = JSON.parse(
        await readFile(join(root, 'pipeline', `${a.execution_id}.json`), 'utf8'),
      ) as ExecutionRecord;
      const theirs = await eventually(
        async () => {
          const res = await fetch(`${records.url}/api/executions/${a.execution_id}`, {
            headers: auth,
          });
          const record = res.ok ? ((await res.json()) as ExecutionRecord) : null;
          return record !== null && record.status !== 'incomplete' && record;
        },
        { intervalMillis: 100, what: `the ingested record of ${a.execution_id}` },
      );
      expect(canonical(theirs)).toBe(canonical(mine));
      expect((await waitForTrace(jaeger.queryUrl, a.trace_id, 3)).length).toBeGreaterThan(2);
    }
    const files = (await readdir(join(root, 'service'))).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(bodies.length);
    // A record service runs no pipeline.
    const run = await fetch(`${records.url}/api/schema/pipeline/execute`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(bodies[0]),
    });
    expect(run.status).toBe(404);
    expect(((await run.json()) as { error: { code: string } }).error.code).toBe('pipeline_off');
    const health = (await (await fetch(`${records.url}/health`, { headers: auth })).json()) as {
      ingest: { records_assembled: number; spans_accepted: number };
    };
    expect(health.ingest.records_assembled).toBeGreaterThanOrEqual(bodies.length);
  }, 90_000);
});
