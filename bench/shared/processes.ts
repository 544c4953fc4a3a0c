import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * A binary that `script` finds in its cache or builds (the first build takes minutes and prints
 * its progress); its path is the script's last line. Fails with the command to run, never skips.
 */
function cachedBinary(script: string, what: string, needs = 'Go'): string {
  const result = spawnSync('bash', [script], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = result.stdout.trim().split('\n').at(-1);
  if (result.status !== 0 || !path) {
    throw new Error(
      `${what} is not installed and could not be built: run \`bash ${script}\` (needs ${needs}) and see its output`,
    );
  }
  return path;
}

/** The Jaeger binary (`scripts/install-jaeger.sh`). */
export const jaegerBinary = (): string => cachedBinary('scripts/install-jaeger.sh', 'Jaeger');

/** The collector built from collector-config/builder-config.yaml (`scripts/install-collector.sh`). */
export const collectorBinary = (): string =>
  cachedBinary('scripts/install-collector.sh', 'The collector');

/** The Python client's venv python (`scripts/install-python-client.sh`: clients/python, pinned). */
export const pythonClient = (): string =>
  cachedBinary('scripts/install-python-client.sh', 'The Python client', 'Python 3.10+ and PyPI');

/** The venv of the research-export tests (`scripts/install-research-python.sh`: pandas, openpyxl, xmlschema). */
export const researchPython = (): string =>
  cachedBinary(
    'scripts/install-research-python.sh',
    'The research Python venv',
    'Python 3.10+ and PyPI',
  );

/** examples/go-stillepost, built with the OpenTelemetry Go SDK (`scripts/install-go-example.sh`). */
export const goExampleBinary = (): string =>
  cachedBinary('scripts/install-go-example.sh', 'The Go example');

/** A child process with its output kept for failure messages. */
export interface Proc {
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts a process; `ready` is polled until it resolves true (or the process exits, or time runs out). */
export async function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { env?: Record<string, string>; ready: () => Promise<boolean>; timeoutMillis?: number },
): Promise<Proc> {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const proc: Proc = {
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
  const deadline = Date.now() + (options.timeoutMillis ?? 30_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode} before it was ready:\n${output}`);
    if (await options.ready().catch(() => false)) return proc;
    if (Date.now() > deadline) {
      await proc.stop('SIGKILL');
      throw new Error(`${name} not ready within ${options.timeoutMillis ?? 30_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True when an HTTP GET of `url` answers (any status below 500). */
export async function answers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
  await res.body?.cancel();
  return res.status < 500;
}
