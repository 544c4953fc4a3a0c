import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionRecordSchema, type ExecutionRecord } from '../../src/domain/execution-record.js';
import { eventually } from '../helpers/eventually.js';
import {
  collectorMetric,
  startCollector,
  startJaeger,
  startPipelineServer,
  waitForTrace,
} from '../helpers/observability-stack.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import {
  collectorBinary,
  freePort,
  goExampleBinary,
  pythonClient,
  type Proc,
} from '../helpers/processes.js';

// A pipeline in another language (examples/go-stillepost, the OpenTelemetry Go SDK; the Go twin
// of examples/python) sends its spans over OTLP/HTTP to the collector built from
// collector-config/builder-config.yaml, which sends them to Jaeger and, through the
// loadbalancing exporter (routing by traceID, OTLP/gRPC), to two record services on one
// PostgreSQL database. Every run must come out as exactly one complete record, assembled by
// exactly one of the two services. The Python client (clients/python, its Stille Post example)
// sends the same runs through the same path.
const RUNS = 50;
const TOKEN = 'lb-record-services-token-0123';
/** What senders present to the collector's receiver (collector-config/receiver-auth.yaml). */
const SENDER_TOKEN = 'collector-senders-token-4567';
const INPUT = 'Eine Blume auf der Wiese';
const CHAIN = ['en', 'en', 'fr', 'nl', 'hi', 'tr', 'pl', 'ko', 'en'];

const procs: Proc[] = [];
let pg: TestPostgres;
let root: string;
let jaeger: Awaited<ReturnType<typeof startJaeger>>;
let collectorUrl: string;
/** The collector's own metrics (Prometheus text). */
let metricsUrl: string;
const services: { proc: Proc; url: string }[] = [];
/** Starts record service `n` (0 or 1) on its fixed OTLP/gRPC port, the collector's target. */
let startService: (n: number) => Promise<{ proc: Proc; url: string }>;

beforeAll(async () => {
  const collector = collectorBinary();
  pg = await startTestPostgres();
  root = await mkdtemp(join(tmpdir(), 'lb-record-services-'));
  jaeger = await startJaeger();
  procs.push(jaeger.proc);
  const databaseUrl = await pg.createDatabase();
  const grpcPorts = [await freePort(), await freePort()];
  startService = async (n) => {
    const service = await startPipelineServer({
      PIPELINE: 'off',
      DATABASE_URL: databaseUrl,
      OTLP_GRPC_PORT: String(grpcPorts[n]),
      API_TOKEN: TOKEN,
      MEDIA_DIR: join(root, 'media'),
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_SERVICE_NAME: `record-service-${n}`,
      LOG_LEVEL: 'debug',
    });
    procs.push(service.proc);
    services[n] = service;
    return service;
  };
  await Promise.all([startService(0), startService(1)]);
  const started = await startCollector(jaeger.ports.otlpGrpc, {
    binary: collector,
    extraConfigs: [
      'collector-config/load-balance-record-services.yaml',
      'collector-config/receiver-auth.yaml',
    ],
    env: {
      COLLECTOR_RECEIVER_TOKEN: SENDER_TOKEN,
      RECORD_SERVICE_A_GRPC: `127.0.0.1:${grpcPorts[0]}`,
      RECORD_SERVICE_B_GRPC: `127.0.0.1:${grpcPorts[1]}`,
      RECORD_SERVICE_TOKEN: TOKEN,
    },
  });
  procs.push(started.proc);
  collectorUrl = started.otlpHttpUrl;
  metricsUrl = started.metricsUrl;
}, 600_000);

afterAll(async () => {
  for (const p of procs.reverse()) await p.stop();
  await pg?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

interface SentRun {
  execution_id: string;
  trace_id: string;
  items: number;
}

/** The ids each service logged as assembled ("run assembled", debug level: ids only). */
function assembledBy(proc: Proc): string[] {
  return proc
    .output()
    .split('\n')
    .filter((l) => l.includes('"run assembled"'))
    .map((l) => (JSON.parse(l) as { execution_id: string }).execution_id);
}

const auth = { authorization: `Bearer ${TOKEN}` };

/** The senders: the Go example, and the Python client's Stille Post example (clients/python). */
const SENDERS = {
  go: () => ({ file: goExampleBinary(), args: ['-runs', String(RUNS)], env: {} }),
  python: () => ({
    file: pythonClient(),
    args: ['examples/python/stillepost_client.py', '--runs', String(RUNS)],
    env: { OTLP_CONTENT_POLICY: 'full', OTEL_SERVICE_NAME: 'python-stillepost' },
  }),
};

/**
 * Runs a sender (`RUNS` runs) against the collector until it has flushed every export; what it
 * says it made. A sender refused by the collector may say so by its exit code: its runs count.
 */
async function sendRuns(
  sender: keyof typeof SENDERS = 'go',
  token: string = SENDER_TOKEN,
): Promise<SentRun[]> {
  const { file, args, env } = SENDERS[sender]();
  const { stdout } = await promisify(execFile)(file, args, {
    env: {
      ...process.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${token}`,
      ...env,
    },
    timeout: 120_000,
  }).catch((error: Error & { stdout?: string }) => {
    if (token === SENDER_TOKEN || error.stdout === undefined) throw error;
    return { stdout: error.stdout };
  });
  const sent = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as SentRun);
  expect(sent).toHaveLength(RUNS);
  return sent;
}

/**
 * Spans the collector's receiver accepted, and spans its load-balancing exporter handed on to
 * the record services (into the queue of a service that is down), as the collector reports them.
 */
async function collectorSpans(): Promise<{ accepted: number; routed: number }> {
  const [accepted, routed] = await Promise.all([
    collectorMetric(metricsUrl, 'otelcol_receiver_accepted_spans'),
    collectorMetric(metricsUrl, 'otelcol_exporter_sent_spans', {
      exporter: 'loadbalancing/records',
    }),
  ]);
  return { accepted, routed };
}

/** Waits until the collector has handed every span it accepted on to a record service. */
async function routedAll(): Promise<{ accepted: number; routed: number }> {
  return eventually(
    async () => {
      const spans = await collectorSpans();
      return spans.routed === spans.accepted && spans;
    },
    { timeoutMillis: 60_000, intervalMillis: 100, what: 'every accepted span routed' },
  );
}

/** Every run's final record, read through either service (they share the database). */
async function completedRecords(sent: SentRun[], timeoutMillis: number) {
  const records = new Map<string, ExecutionRecord>();
  await eventually(
    async () => {
      for (const [n, run] of sent.entries()) {
        if (records.has(run.execution_id)) continue;
        const url = services[n % 2]!.url;
        const res = await fetch(`${url}/api/executions/${run.execution_id}`, { headers: auth });
        if (res.status !== 200) continue;
        const record = (await res.json()) as ExecutionRecord;
        if (record.status === 'completed') records.set(run.execution_id, record);
      }
      return records.size === sent.length;
    },
    {
      timeoutMillis,
      intervalMillis: 250,
      what: `a completed record of each of ${sent.length} runs`,
    },
  );
  return records;
}

/** Each record passes the contract and holds flow (b) exactly as the example sent it. */
function expectWhole(sent: SentRun[], records: Map<string, ExecutionRecord>) {
  for (const [n, run] of sent.entries()) {
    const record = records.get(run.execution_id)!;
    expect(ExecutionRecordSchema.safeParse(record).success, run.execution_id).toBe(true);
    expect(record).toMatchObject({
      execution_id: run.execution_id,
      trace_id: run.trace_id,
      config_name: 'stillepost',
      status: 'completed',
    });
    // Flow (b): the input, stage 1, eight iterations through the chain, the final, the end.
    expect(record.items.map((i) => [i.item_type, i.stage, i.stage_iteration])).toEqual([
      ['pipeline_start', 0, null],
      ['user_input_text', 1, null],
      ['stage1_safety_check', 1, null],
      ['translation_result', 1, null],
      ...CHAIN.slice(1).map((_, k) => ['interception_iteration', 2, k + 1]),
      ['interception_final', 2, null],
      ['pipeline_complete', 5, null],
    ]);
    expect(record.items.map((i) => i.sequence_number)).toEqual(
      Array.from({ length: run.items }, (_, k) => k + 1),
    );
    expect(record.items[1]!.content).toBe(`${INPUT} ${n + 1}`);
    const iterations = record.items.filter((i) => i.item_type === 'interception_iteration');
    expect(iterations.map((i) => [i.metadata.from_lang, i.metadata.to_lang])).toEqual(
      CHAIN.slice(1).map((to, k) => [CHAIN[k], to]),
    );
    expect(iterations.every((i) => i.model_used === 'example-offline-v1')).toBe(true);
  }
}

/**
 * Stops both services (draining their run buffers, so a run split between them would show up
 * on both, as an `incomplete` record from the part without its run span) and checks that each
 * run was assembled by exactly one service and both took a share.
 */
async function expectAssembledOnceEach(sent: SentRun[]) {
  for (const s of services) expect(await s.proc.stop()).toBe(0);
  const [a, b] = services.map((s) => assembledBy(s.proc)) as [string[], string[]];
  expect(a.length).toBeGreaterThan(0);
  expect(b.length).toBeGreaterThan(0);
  expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
  expect([...a, ...b].sort()).toEqual(sent.map((r) => r.execution_id).sort());
}

describe('record services behind the collector, load-balanced by trace id, on one PostgreSQL', () => {
  it("refuses a sender without the receiver's token: nothing of its runs reaches a record service", async () => {
    const traces = (body: string) =>
      fetch(`${collectorUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(body ? { authorization: body } : {}) },
        body: JSON.stringify({ resourceSpans: [] }),
      });
    expect((await traces('')).status).toBe(401);
    expect((await traces('Bearer not-the-token')).status).toBe(401);
    expect((await traces(`Bearer ${SENDER_TOKEN}`)).status).toBe(200);
    const before = await routedAll();
    const sent = await sendRuns('go', 'not-the-token');
    // The sender is done: each of its exports was answered. The collector reports that it
    // accepted none of their spans and holds none it has not handed on, so no span of these
    // runs is on its way to a record service: they are absent now, not only after a while.
    expect(await routedAll()).toEqual(before);
    for (const run of sent) {
      const res = await fetch(`${services[0]!.url}/api/executions/${run.execution_id}`, {
        headers: auth,
      });
      expect(res.status, run.execution_id).toBe(404);
    }
  }, 120_000);

  it(`assembles ${RUNS} Stille Post runs from another SDK into exactly one complete record each, none split`, async () => {
    const before = await collectorSpans();
    const sent = await sendRuns();
    // The collector counts what it takes (the refusal above is read from these counters).
    expect((await collectorSpans()).accepted).toBeGreaterThan(before.accepted);
    expectWhole(sent, await completedRecords(sent, 60_000));
    const listed = (await (
      await fetch(`${services[0]!.url}/api/executions?limit=100`, { headers: auth })
    ).json()) as { total: number };
    expect(listed.total).toBe(RUNS);
    // Jaeger got the same traces.
    const spans = await waitForTrace(jaeger.queryUrl, sent[0]!.trace_id, 21);
    expect(spans.find((s) => s.name === 'execution stillepost')).toBeDefined();
    await expectAssembledOnceEach(sent);
  }, 180_000);

  it('keeps the runs of a record service that is down in the queue, and it assembles them whole once back (no fail-over split)', async () => {
    await startService(0); // the second service stays down while the runs are sent
    const before = await routedAll();
    const sent = await sendRuns();
    // Every span of these runs has reached the load-balancing exporter and was handed to its
    // service, those of the service that is down into its queue, before that service starts.
    const after = await routedAll();
    expect(after.accepted).toBeGreaterThan(before.accepted);
    await startService(1);
    expectWhole(sent, await completedRecords(sent, 120_000));
    await expectAssembledOnceEach(sent);
  }, 240_000);

  it(`assembles ${RUNS} Stille Post runs from the Python client (clients/python) the same way`, async () => {
    // The tests before this one end with both services stopped (run alone, they still run).
    const running = (n: number) => {
      const child = services[n]?.proc.child;
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    };
    await Promise.all([0, 1].filter((n) => !running(n)).map((n) => startService(n)));
    const sent = await sendRuns('python');
    expectWhole(sent, await completedRecords(sent, 60_000));
    // Jaeger got them too: run, start, two stages, eight iterations, nine backend calls.
    const spans = await waitForTrace(jaeger.queryUrl, sent[0]!.trace_id, 21);
    expect(spans.find((s) => s.name === 'execution stillepost')).toBeDefined();
    await expectAssembledOnceEach(sent);
  }, 300_000);
});
