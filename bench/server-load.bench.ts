// Server throughput and p99 latency under load (autocannon in another process), traced vs
// untraced, and traced with the collector down (refused) and hanging (accepts, never answers).
// Every mode runs the production assembly (`assembleServer`, as `main` does), first-save wait
// included; the untraced baseline swaps only the tracker for one on a non-recording tracer.
// Beside requests a second, each mode's CPU a request (the server process, all its threads,
// during the load): the cost figure that the machine's drift disturbs least.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import type { AppDeps } from '../src/server/app.js';
import { assembleServer } from '../src/server/assembly.js';
import { ExecutionTracker } from '../src/telemetry/tracker/execution-tracker.js';
import { ensureContextManager, type Tracing } from '../src/telemetry/tracing.js';
import { refusedPort, startChild } from './child-servers.js';
import { benchDir, discardDir, fmt, median, report, type Figure } from './stats.js';
import { PACKAGE_ROOT } from '../src/telemetry/tracker/package-root.js';

const ROOT = PACKAGE_ROOT;
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 32);
const BODY = JSON.stringify({ schema: 'dada', input_text: 'Eine Blume auf der Wiese' });

type Mode = 'untraced' | 'traced' | 'collector down' | 'collector hanging';
interface Result {
  mode: Mode;
  rps: number;
  p99: number;
  ok: number;
  errors: number;
  records: number;
  /** The server process's CPU (user + system, all its threads) a request answered, ms. */
  cpu: number;
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

/** The production assembly's configuration for one mode: loopback, an ephemeral port, `dir`. */
function loadConfigFor(dir: string, otlpUrl: string | null) {
  return loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    EXECUTIONS_DIR: join(dir, 'executions'),
    MEDIA_DIR: join(dir, 'media'),
    LOG_LEVEL: 'silent',
    ...(otlpUrl
      ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl }
      : { OTEL_TRACES_EXPORTER: 'none' }),
  });
}

/**
 * The untraced baseline: the same assembly with the tracker on a tracer of no provider
 * (non-recording spans), so no record path and no first-save wait.
 */
function untraced(deps: AppDeps): Partial<AppDeps> {
  ensureContextManager();
  const noop = trace.getTracer('untraced'); // no provider registered: non-recording spans
  return {
    pipeline: {
      ...deps.pipeline,
      firstSave: undefined,
      startRun: (o: Parameters<Tracing['startRun']>[0]) =>
        ExecutionTracker.start({ ...o, tracer: noop }),
    },
    records: { ...deps.records, whenSaved: async () => 'saved', whenStarted: async () => 'saved' },
  };
}

/** One mode: the production assembly (`assembleServer`, first-save wait included) under load. */
export async function runMode(mode: Mode): Promise<Result> {
  const dir = await benchDir('load-');
  let helper: { url: string; stop: () => void } | undefined;
  let otlpUrl: string | null = null;
  if (mode === 'traced' || mode === 'collector hanging') {
    helper = await startChild(mode === 'traced' ? 'sink' : 'hang');
    otlpUrl = helper.url;
  } else if (mode === 'collector down') {
    otlpUrl = `http://127.0.0.1:${await refusedPort()}/v1/traces`;
  }
  const server = await assembleServer(loadConfigFor(dir, otlpUrl), {
    logger: pino({ level: 'silent' }),
    ...(mode === 'untraced' ? { app: untraced } : {}),
  });
  const listening = await server.listen();
  const url = `http://127.0.0.1:${(listening.address() as { port: number }).port}/api/schema/pipeline/execute`;
  await autocannon(url, 1); // warm-up
  const before = (await server.store.stats()).records;
  const cpu0 = process.cpuUsage();
  const load = await autocannon(url, SECONDS);
  const cpu = process.cpuUsage(cpu0);
  await server.tracing.recordExporter.forceFlush();
  const records = (await server.store.stats()).records - before;
  await server.shutdown();
  helper?.stop();
  await discardDir(dir);
  return { mode, ...load, records, cpu: (cpu.user + cpu.system) / 1000 / Math.max(1, load.ok) };
}

export async function benchServerLoad(): Promise<Figure[]> {
  // Modes interleaved over several rounds, medians compared: a shared machine drifts.
  const modes: Mode[] = ['untraced', 'traced', 'collector down', 'collector hanging'];
  const results = new Map<Mode, Result[]>(modes.map((m) => [m, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of modes) results.get(mode)!.push(await runMode(mode));
  }
  const untracedRuns = results.get('untraced')!;
  const base = median(untracedRuns.map((r) => r.rps));
  const baseCpu = median(untracedRuns.map((r) => r.cpu));
  const figures: Figure[] = [];
  for (const mode of modes) {
    const rs = results.get(mode)!;
    const rps = median(rs.map((r) => r.rps));
    const ratio = rps / base;
    const ok = rs.reduce((n, r) => n + r.ok, 0);
    const lost =
      mode === 'untraced' ? 0 : rs.reduce((n, r) => n + Math.max(0, r.ok - r.records), 0);
    const errors = rs.reduce((n, r) => n + r.errors, 0);
    const cpu = median(rs.map((r) => r.cpu));
    // Each round against the same round's untraced run (what the seed bench's ratio is made of).
    const paired = rs.map((r, i) => fmt(r.rps / untracedRuns[i]!.rps)).join(', ');
    const traced =
      mode === 'untraced'
        ? { ratio: '', lost: '', cpu: '' }
        : {
            ratio: ` (per round: ${paired})`,
            lost: `, records lost ${lost} of ${ok}`,
            cpu: ` (×${fmt(cpu / baseCpu)} untraced)`,
          };
    figures.push({
      name: `${mode}: req/s, p99, ratio to untraced`,
      value: `${fmt(rps, 0)} req/s (rounds: ${rs.map((r) => fmt(r.rps, 0)).join(', ')}), p99 ${median(rs.map((r) => r.p99))} ms, ratio ${fmt(ratio)}${traced.ratio}${traced.lost}${errors ? `, errors ${errors}` : ''}; CPU a request ${fmt(cpu)} ms${traced.cpu}`,
      ...(mode === 'untraced'
        ? {}
        : { target: 'ratio ≥ 0.9, none lost', met: ratio >= 0.9 && lost === 0 }),
    });
  }
  return report(
    `Server under load (autocannon, ${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS} s a mode, dada with one image, offline backends)`,
    figures,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await benchServerLoad();
