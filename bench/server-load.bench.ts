// Server throughput and p99 latency under load (autocannon in another process), traced vs
// untraced, and traced with the collector down (refused) and hanging (accepts, never answers).
// Every mode runs the production assembly (`assembleServer`, as `main` does), first-save wait
// included, in a server process of its own (bench/server-child.ts); the untraced baseline
// swaps only the tracker for one on a non-recording tracer. Beside requests a second, each
// mode's CPU a request (the server process, all its threads, and its main thread alone,
// during the load): the cost figures that the machine's drift disturbs least.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { refusedPort, startChild } from './child-servers.js';
import { benchDir, discardDir, fmt, median, report, type Figure } from './stats.js';
import { PACKAGE_ROOT } from '../src/telemetry/tracker/package-root.js';

const ROOT = PACKAGE_ROOT;
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 32);
const BODY = JSON.stringify({ schema: 'dada', input_text: 'Eine Blume auf der Wiese' });

type Mode = 'untraced' | 'traced' | 'collector down' | 'collector hanging';

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

/** A process's CPU in clock ticks (user + system): all its threads, and its main thread. */
function cpuTicks(pid: number): { all: number; main: number } {
  const ticks = (stat: string) => {
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  };
  return {
    all: ticks(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    main: ticks(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')),
  };
}
/** Clock ticks a second (`getconf CLK_TCK`: 100 on Linux). */
const TICK_MS = 10;

/** A mode's server: its own process, its collector stand-in, its answers so far. */
interface ModeServer {
  mode: Mode;
  url: string;
  child: ChildProcess;
  dir: string;
  helper?: { stop: () => void };
  /** 2xx answers autocannon counted over the server's life, warm-up included. */
  ok: number;
  slices: Slice[];
}
interface Slice {
  rps: number;
  p99: number;
  ok: number;
  errors: number;
  /** The server process's CPU a request answered, ms: all threads, the main thread. */
  cpu: number;
  mainCpu: number;
}

/** Starts one mode's server (bench/server-child.ts) as production does, on its own port. */
async function startServer(mode: Mode): Promise<ModeServer> {
  const dir = await benchDir('load-');
  let helper: { url: string; stop: () => void } | undefined;
  let otlpUrl = '';
  if (mode === 'traced' || mode === 'collector hanging') {
    helper = await startChild(mode === 'traced' ? 'sink' : 'hang');
    otlpUrl = helper.url;
  } else if (mode === 'collector down') {
    otlpUrl = `http://127.0.0.1:${await refusedPort()}/v1/traces`;
  }
  const here = fileURLToPath(import.meta.url);
  const child = fork(join(dirname(here), `server-child${extname(here)}`), [mode, dir, otlpUrl], {
    cwd: ROOT,
    execArgv: [...(extname(here) === '.ts' ? ['--import', 'tsx'] : []), '--max-semi-space-size=32'],
    env: { ...process.env, UV_THREADPOOL_SIZE: '16' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number }));
    child.once('exit', (code) => reject(new Error(`${mode} server exited (${code})`)));
  });
  const url = `http://127.0.0.1:${port}/api/schema/pipeline/execute`;
  return { mode, url, child, dir, helper, ok: 0, slices: [] };
}

/** The responses the server has finished so far (it counts them itself). */
function answeredBy(server: ModeServer): Promise<number> {
  return new Promise((resolve) => {
    server.child.once('message', (m) => resolve((m as { answered: number }).answered));
    server.child.send('answered');
  });
}

/**
 * One slice of load on one server, with its process's CPU over the slice divided by the
 * responses it finished meanwhile (the requests still in flight when autocannon stops
 * included, in both).
 */
async function slice(server: ModeServer, seconds: number): Promise<Slice> {
  const pid = server.child.pid!;
  const before = { ...cpuTicks(pid), answered: await answeredBy(server) };
  const load = await autocannon(server.url, seconds);
  await new Promise((r) => setTimeout(r, 500)); // the requests in flight finish
  const after = { ...cpuTicks(pid), answered: await answeredBy(server) };
  server.ok += load.ok;
  const per = (ticks: number) => (ticks * TICK_MS) / Math.max(1, after.answered - before.answered);
  return {
    ...load,
    cpu: per(after.all - before.all),
    mainCpu: per(after.main - before.main),
  };
}

/** Flushes and stops a mode's server; the records it saved over its life. */
async function finish(server: ModeServer): Promise<number> {
  const records = await new Promise<number>((resolve, reject) => {
    server.child.once('message', (m) => resolve((m as { records: number }).records));
    server.child.once('exit', (code) =>
      reject(new Error(`${server.mode} server exited (${code})`)),
    );
    server.child.send('finish');
  });
  await new Promise((r) => (server.child.exitCode === null ? server.child.once('exit', r) : r(0)));
  server.helper?.stop();
  await discardDir(server.dir);
  return records;
}

export async function benchServerLoad(): Promise<Figure[]> {
  // Every mode's server runs in its own process for the whole bench, idle while another is
  // loaded; the load goes to them in turn, in short slices, the order rotated every round, so
  // the machine's drift (seconds to minutes long here) falls on every mode alike.
  const modes: Mode[] = ['untraced', 'traced', 'collector down', 'collector hanging'];
  const servers: ModeServer[] = [];
  for (const mode of modes) servers.push(await startServer(mode));
  for (const server of servers) await slice(server, 2); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < servers.length; i++) {
      const server = servers[(round + i) % servers.length]!;
      server.slices.push(await slice(server, SECONDS));
    }
  }
  const records = new Map<Mode, number>();
  for (const server of servers) records.set(server.mode, await finish(server));

  const base = servers[0]!;
  const total = (s: ModeServer) => s.slices.reduce((n, r) => n + r.ok, 0);
  const baseCpu = median(base.slices.map((r) => r.cpu));
  const baseMain = median(base.slices.map((r) => r.mainCpu));
  const figures: Figure[] = [];
  for (const server of servers) {
    const { mode, slices } = server;
    // Requests answered over the same slices of time: the ratio of the totals.
    const ratio = total(server) / total(base);
    const lost = mode === 'untraced' ? 0 : Math.max(0, server.ok - records.get(mode)!);
    const errors = slices.reduce((n, r) => n + r.errors, 0);
    const cpu = median(slices.map((r) => r.cpu));
    const mainCpu = median(slices.map((r) => r.mainCpu));
    // Each slice against the same round's untraced slice.
    const paired = slices.map((r, i) => r.rps / base.slices[i]!.rps);
    const traced =
      mode === 'untraced'
        ? { ratio: '', lost: '', cpu: '' }
        : {
            ratio: ` (rounds: ${paired.map((x) => fmt(x)).join(', ')}; their median ${fmt(median(paired))})`,
            lost: `, records lost ${lost} of ${server.ok}`,
            cpu: ` (×${fmt(cpu / baseCpu)} untraced), main thread ${fmt(mainCpu)} ms (×${fmt(mainCpu / baseMain)})`,
          };
    figures.push({
      name: `${mode}: req/s, p99, ratio to untraced`,
      value: `${fmt(median(slices.map((r) => r.rps)), 0)} req/s (rounds: ${slices.map((r) => fmt(r.rps, 0)).join(', ')}), p99 ${median(slices.map((r) => r.p99))} ms, ratio ${fmt(ratio)}${traced.ratio}${traced.lost}${errors ? `, errors ${errors}` : ''}; CPU a request ${fmt(cpu)} ms${traced.cpu}${mode === 'untraced' ? `, main thread ${fmt(mainCpu)} ms` : ''}`,
      ...(mode === 'untraced'
        ? {}
        : { target: 'ratio ≥ 0.9, none lost', met: ratio >= 0.9 && lost === 0 }),
    });
  }
  return report(
    `Server under load (autocannon, ${CONNECTIONS} connections, ${ROUNDS} rounds × ${SECONDS} s a mode, modes in turn, each server in its own process; dada with one image, offline backends)`,
    figures,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await benchServerLoad();
