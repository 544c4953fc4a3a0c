import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { answers, freePort, ROOT, startProcess } from './processes.js';

/** The `phoenix` command (`scripts/install-phoenix.sh`: Arize Phoenix from PyPI, pinned). */
export function phoenixCommand(): string {
  const result = spawnSync('bash', ['scripts/install-phoenix.sh'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = result.stdout.trim().split('\n').at(-1);
  if (result.status !== 0 || !path)
    throw new Error(
      'Phoenix is not installed and could not be: run `bash scripts/install-phoenix.sh` (needs Python 3.10+ and PyPI)',
    );
  return path;
}

/** Phoenix on free loopback ports with SQLite in a temp dir, its telemetry off. */
export async function startPhoenix() {
  const port = await freePort();
  const workDir = await mkdtemp(join(tmpdir(), 'phoenix-'));
  const proc = await startProcess('phoenix', phoenixCommand(), ['serve'], {
    env: {
      PHOENIX_WORKING_DIR: workDir,
      PHOENIX_HOST: '127.0.0.1',
      PHOENIX_PORT: String(port),
      PHOENIX_GRPC_PORT: String(await freePort()),
      PHOENIX_TELEMETRY_ENABLED: 'false',
    },
    ready: () => answers(`http://127.0.0.1:${port}/v1/projects`),
    timeoutMillis: 120_000,
  });
  return { proc, url: `http://127.0.0.1:${port}`, workDir };
}

/** A span as Phoenix's REST API gives it (the fields the tests read). */
export interface PhoenixSpan {
  name: string;
  context: { trace_id: string; span_id: string };
  span_kind: string;
  attributes: Record<string, unknown>;
}

/** Every span Phoenix holds in its default project (its `/v1/projects/default/spans`). */
export async function phoenixSpans(url: string): Promise<PhoenixSpan[]> {
  const out: PhoenixSpan[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await fetch(`${url}/v1/projects/default/spans?limit=1000${query}`);
    if (!res.ok) throw new Error(`Phoenix answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { data: PhoenixSpan[]; next_cursor: string | null };
    out.push(...body.data);
    cursor = body.next_cursor;
  } while (cursor);
  return out;
}
