import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { startPipelineServer } from '../helpers/observability-stack.js';
import { ROOT } from '../helpers/processes.js';
import { startOllamaStandIn } from '../helpers/stand-ins/ollama-stand-in.js';
import { sleep } from '../helpers/tracing.js';
import { eventually } from '../helpers/eventually.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function dirs() {
  const root = await mkdtemp(join(tmpdir(), 'durability-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  return { root, EXECUTIONS_DIR: join(root, 'executions'), MEDIA_DIR: join(root, 'media') };
}

const post = (url: string, body: object) =>
  fetch(`${url}/api/schema/pipeline/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Every record file of a directory, parsed. */
async function recordsIn(dir: string): Promise<ExecutionRecord[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  return Promise.all(
    names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as ExecutionRecord),
  );
}

/** A 1 MiB tmpfs mounted under `root` (the tests run as root), unmounted after the test. */
async function smallFileSystem(root: string): Promise<string> {
  const mount = join(root, 'small');
  await mkdir(mount);
  const mounted = spawn('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mount]);
  expect(await new Promise((r) => mounted.once('exit', r)), 'mount tmpfs (needs root)').toBe(0);
  cleanups.push(() => new Promise((r) => spawn('umount', ['-l', mount]).once('exit', r)));
  return mount;
}

/** Fills the file system of `dir` to the last page; returns the filler file. */
async function fill(dir: string): Promise<string> {
  const filler = join(dir, 'filler');
  await writeFile(filler, Buffer.alloc(2 * 1024 * 1024)).catch(() => {});
  return filler;
}

describe('record durability on real processes', () => {
  it('SIGKILL under 32 concurrent clients: every answered run has its final record, every started run a record', async () => {
    const ollama = await startOllamaStandIn({ delayMillis: 15 });
    cleanups.push(ollama.close);
    const d = await dirs();
    const env = {
      EXECUTIONS_DIR: d.EXECUTIONS_DIR,
      MEDIA_DIR: d.MEDIA_DIR,
      OTEL_TRACES_EXPORTER: 'none',
      LLM_BACKEND_ECO: 'ollama',
      OLLAMA_URL: ollama.url,
    };
    const server = await startPipelineServer(env);
    cleanups.push(() => server.proc.stop('SIGKILL'));
    const answered = new Map<string, string>();
    let killed = false;
    const client = async (c: number) => {
      for (let n = 0; !killed; n++) {
        const text = `Eine Blume ${c}-${n}`;
        const body = {
          schema: 'dada',
          input_text: text,
          output_config: n % 3 ? 'none' : undefined,
        };
        try {
          const res = await post(server.url, body);
          const json = (await res.json()) as { execution_id: string; record: string };
          if (!killed && res.status === 200) answered.set(json.execution_id, json.record);
        } catch {
          return; // the process is gone
        }
      }
    };
    const clients = Array.from({ length: 32 }, (_, c) => client(c));
    // Kill mid-load once enough runs were answered (at most 30 s: the suite shares the cores).
    const loadedBy = Date.now() + 30_000;
    while (answered.size <= 60 && Date.now() < loadedBy) await sleep(50);
    const killedAt = Date.now();
    await server.proc.stop('SIGKILL');
    killed = true;
    await Promise.all(clients);
    // A new process takes over the dead one's lock and reads what it left.
    const again = await startPipelineServer(env);
    cleanups.push(() => again.proc.stop());
    const records = await recordsIn(d.EXECUTIONS_DIR);
    const byId = new Map(records.map((r) => [r.execution_id, r]));
    const inputs = new Set(records.map((r) => r.items[1]?.content));

    expect(answered.size).toBeGreaterThan(50);
    expect([...answered.values()].every((r) => r === 'saved')).toBe(true);
    const missing = [...answered.keys()].filter((id) => !byId.has(id));
    const unfinished = [...answered.keys()].filter((id) => byId.get(id)?.status === 'incomplete');
    expect({ missing, unfinished }).toEqual({ missing: [], unfinished: [] });
    // A run started once its stage 1 call reached the LLM: every answered run did.
    const translations = ollama.requests.filter((r) =>
      r.messages[0]!.content.startsWith('Translate'),
    );
    expect(translations.length).toBeGreaterThanOrEqual(answered.size);
    // Those started before the kill's last 100 ms (a save under way) must have a record. An
    // answered run may have started inside that window (a run takes less), so it is not counted.
    const started = translations
      .filter((r) => r.at < killedAt - 100)
      .map((r) => r.messages.at(-1)!.content);
    const lost = translations
      .filter((r) => !inputs.has(r.messages.at(-1)!.content))
      .map((r) => killedAt - r.at);
    const figures = `answered ${answered.size}, started ${started.length}, records ${records.length}, unsaved runs started ms before the kill: ${lost.join(',')}`;
    expect(
      started.filter((text) => !inputs.has(text)),
      figures,
    ).toEqual([]);
    const incomplete = records.filter((r) => r.status === 'incomplete');
    expect(incomplete.length).toBeGreaterThan(0);
    expect(incomplete.every((r) => r.items[0]!.item_type === 'pipeline_start')).toBe(true);
  }, 90_000);

  it('a second process on the same directory is refused with one clear line; the first loses nothing', async () => {
    const d = await dirs();
    const env = {
      EXECUTIONS_DIR: d.EXECUTIONS_DIR,
      MEDIA_DIR: d.MEDIA_DIR,
      OTEL_TRACES_EXPORTER: 'none',
    };
    const first = await startPipelineServer(env);
    cleanups.push(() => first.proc.stop());
    const runs = Array.from({ length: 20 }, (_, n) =>
      post(first.url, { schema: 'dada', input_text: `Blume ${n}`, output_config: 'none' }).then(
        async (r) => ((await r.json()) as { execution_id: string }).execution_id,
      ),
    );
    const second = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    second.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => second.once('exit', r));
    expect(code).toBe(6);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/records directory .* is in use by process \d+ .*DATABASE_URL/);
    const ids = await Promise.all(runs);
    for (const id of ids) {
      const record = (await (
        await fetch(`${first.url}/api/executions/${id}`)
      ).json()) as ExecutionRecord;
      expect(record.status).toBe('completed');
    }
    expect((await recordsIn(d.EXECUTIONS_DIR)).length).toBe(20);
  }, 60_000);

  it('a full file system: answers say pending, /health is degraded; every record lands once space is freed', async () => {
    const d = await dirs();
    const mount = await smallFileSystem(d.root);
    const env = {
      EXECUTIONS_DIR: join(mount, 'executions'),
      MEDIA_DIR: d.MEDIA_DIR,
      OTEL_TRACES_EXPORTER: 'none',
      STORE_MIN_FREE_MB: '0.25',
    };
    const server = await startPipelineServer(env);
    cleanups.push(() => server.proc.stop());
    const health = async () =>
      (await (await fetch(`${server.url}/health`)).json()) as {
        status: string;
        store: { writable: boolean; free_bytes: number; low_space: boolean };
        record_path: { pending: number; last_error: string | null };
      };
    expect((await health()).status).toBe('ok');
    // Fill the file system to the last page.
    const filler = await fill(mount);
    const answers = [];
    for (let n = 0; n < 5; n++) {
      const res = await post(server.url, {
        schema: 'dada',
        input_text: `Blume ${n}`,
        output_config: 'none',
      });
      const json = (await res.json()) as { execution_id: string; record: string };
      answers.push({ http: res.status, execution_id: json.execution_id, record: json.record });
    }
    expect(answers.map((a) => [a.http, a.record])).toEqual(Array(5).fill([200, 'pending']));
    const sick = await health();
    expect(sick).toMatchObject({
      status: 'degraded',
      store: { writable: false, low_space: true },
      record_path: { pending: 5, last_error: expect.stringMatching(/ENOSPC/) },
    });
    expect(sick.store.free_bytes).toBeLessThan(64 * 1024);

    await rm(filler);
    await eventually(
      async () =>
        expect(await health()).toMatchObject({ status: 'ok', record_path: { pending: 0 } }),
      { timeoutMillis: 15_000, intervalMillis: 100 },
    );
    for (const a of answers) {
      const record = (await (
        await fetch(`${server.url}/api/executions/${a.execution_id}`)
      ).json()) as ExecutionRecord;
      expect(record.status).toBe('completed');
    }
  }, 60_000);

  it('SIGTERM with records still unsaved: retried until the shutdown timeout, then named by id (never content), exit 1', async () => {
    const d = await dirs();
    const mount = await smallFileSystem(d.root);
    const server = await startPipelineServer({
      EXECUTIONS_DIR: join(mount, 'executions'),
      MEDIA_DIR: d.MEDIA_DIR,
      OTEL_TRACES_EXPORTER: 'none',
      STORE_MIN_FREE_MB: '0',
      SHUTDOWN_TIMEOUT_MS: '1500',
    });
    cleanups.push(() => server.proc.stop('SIGKILL'));
    await fill(mount);
    const ids: string[] = [];
    for (const text of ['Geheime Blume', 'Geheimer Baum']) {
      const res = await post(server.url, {
        schema: 'dada',
        input_text: text,
        output_config: 'none',
      });
      const json = (await res.json()) as { execution_id: string; record: string };
      expect(json.record).toBe('pending');
      ids.push(json.execution_id);
    }
    const started = Date.now();
    const code = await server.proc.stop('SIGTERM');
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(6_000);
    const output = server.proc.output();
    for (const id of ids) expect(output).toMatch(new RegExp(`record ${id} NOT SAVED`));
    expect(output).not.toMatch(/Geheim/);
  }, 60_000);
});
