// Server throughput and p99 latency under load (autocannon in another process), traced vs
// untraced, and traced with the collector down (refused) and hanging (accepts, never answers).
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { createBackends, OFFLINE_BACKENDS } from '../src/pipeline/backends/backend-registry.js';
import { loadCatalog } from '../src/pipeline/catalog.js';
import { createApp } from '../src/server/app.js';
import { LiveItems } from '../src/server/live-items.js';
import { FileRecordStore } from '../src/store/file-record-store.js';
import { ExecutionTracker } from '../src/telemetry/tracker/execution-tracker.js';
import { createTracing, ensureContextManager, type Tracing } from '../src/telemetry/tracing.js';
import { refusedPort, startChild } from './child-servers.js';
import { benchDir, fmt, report, type Figure } from './stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 3);
const CONNECTIONS = 8;
const BODY = JSON.stringify({ schema: 'dada', input_text: 'Eine Blume auf der Wiese' });

type Mode = 'untraced' | 'traced' | 'collector down' | 'collector hanging';
interface Result {
  mode: Mode;
  rps: number;
  p99: number;
  ok: number;
  errors: number;
  records: number;
}

/** Load from autocannon in its own process: requests/s, latency p50/p99 (ms), answers. */
export async function autocannon(
  url: string,
  seconds: number,
  connections = CONNECTIONS,
): Promise<{ rps: number; p50: number; p99: number; ok: number; errors: number }> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/autocannon/autocannon.js'),
      '-j',
      '-c',
      String(connections),
      '-d',
      String(seconds),
      '-m',
      'POST',
      '-H',
      'content-type=application/json',
      '-b',
      BODY,
      url,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((r) => child.once('exit', r));
  const j = JSON.parse(out) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    '2xx': number;
    non2xx: number;
    errors: number;
  };
  return {
    rps: j.requests.average,
    p50: j.latency.p50,
    p99: j.latency.p99,
    ok: j['2xx'],
    errors: j.non2xx + j.errors,
  };
}

export async function runMode(mode: Mode): Promise<Result> {
  const dir = await benchDir('load-');
  const store = await FileRecordStore.open(join(dir, 'executions'));
  let tracing: Tracing | undefined;
  let helper: { stop: () => void } | undefined;
  let startRun;
  if (mode === 'untraced') {
    ensureContextManager();
    const noop = trace.getTracer('untraced'); // no provider registered: non-recording spans
    startRun = (o: Parameters<Tracing['startRun']>[0]) =>
      ExecutionTracker.start({ ...o, tracer: noop });
  } else {
    let url: string;
    if (mode === 'traced') {
      const sink = await startChild('sink');
      helper = sink;
      url = sink.url;
    } else if (mode === 'collector hanging') {
      const hang = await startChild('hang');
      helper = hang;
      url = hang.url;
    } else {
      url = `http://127.0.0.1:${await refusedPort()}/v1/traces`;
    }
    tracing = createTracing({ store, otlp: { url } });
    startRun = tracing.startRun;
  }
  const live = new LiveItems();
  const app = createApp({
    pipeline: {
      catalog: await loadCatalog(join(ROOT, 'configs')),
      backends: createBackends(OFFLINE_BACKENDS),
      startRun,
      mediaDir: join(dir, 'media'),
      onItem: live.onItem,
    },
    health: { store, recordPath: () => tracing!.recordExporter.stats(), otlp: null },
    live,
    records: {
      whenSaved: async (id) => tracing?.assembler.whenSaved(id) ?? 'saved',
      whenStarted: async (id) => tracing?.assembler.whenStarted(id) ?? 'saved',
      discard: async (id) => tracing?.assembler.discard(id),
    },
    logger: pino({ level: 'silent' }),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/schema/pipeline/execute`;
  await autocannon(url, 1); // warm-up
  const before = (await store.stats()).records;
  const load = await autocannon(url, SECONDS);
  await tracing?.recordExporter.forceFlush();
  const records = (await store.stats()).records - before;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await tracing?.shutdown();
  helper?.stop();
  await rm(dir, { recursive: true, force: true });
  return { mode, ...load, records };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchServerLoad(): Promise<Figure[]> {
  // Modes interleaved over several rounds, medians compared: a shared machine drifts.
  const modes: Mode[] = ['untraced', 'traced', 'collector down', 'collector hanging'];
  const results = new Map<Mode, Result[]>(modes.map((m) => [m, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of modes) results.get(mode)!.push(await runMode(mode));
  }
  const base = median(results.get('untraced')!.map((r) => r.rps));
  const figures: Figure[] = [];
  for (const mode of modes) {
    const rs = results.get(mode)!;
    const rps = median(rs.map((r) => r.rps));
    const ratio = rps / base;
    const ok = rs.reduce((n, r) => n + r.ok, 0);
    const lost =
      mode === 'untraced' ? 0 : rs.reduce((n, r) => n + Math.max(0, r.ok - r.records), 0);
    const errors = rs.reduce((n, r) => n + r.errors, 0);
    figures.push({
      name: `${mode}: req/s, p99, ratio to untraced`,
      value: `${fmt(rps, 0)} req/s (rounds: ${rs.map((r) => fmt(r.rps, 0)).join(', ')}), p99 ${median(rs.map((r) => r.p99))} ms, ratio ${fmt(ratio)}${mode === 'untraced' ? '' : `, records lost ${lost} of ${ok}`}${errors ? `, errors ${errors}` : ''}`,
      ...(mode === 'untraced'
        ? {}
        : { target: 'ratio ≥ 0.95, none lost', met: ratio >= 0.95 && lost === 0 }),
    });
  }
  return report(
    `Server under load (autocannon, ${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS} s a mode, dada with one image, offline backends)`,
    figures,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await benchServerLoad();
