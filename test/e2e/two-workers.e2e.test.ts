import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipelineServer } from '../helpers/observability-stack.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import type { Proc } from '../helpers/processes.js';
import { readSse } from '../helpers/sse-client.js';
import { startOllamaStandIn } from '../helpers/stand-ins/ollama-stand-in.js';

let pg: TestPostgres;
let ollama: Awaited<ReturnType<typeof startOllamaStandIn>>;
let root: string;
const workers: { proc: Proc; url: string }[] = [];

beforeAll(async () => {
  pg = await startTestPostgres();
  ollama = await startOllamaStandIn({ delayMillis: 150 });
  root = await mkdtemp(join(tmpdir(), 'two-workers-'));
  const env = {
    DATABASE_URL: await pg.createDatabase(),
    MEDIA_DIR: join(root, 'media'), // shared, as a network file system would be
    OTEL_TRACES_EXPORTER: 'none',
    LLM_BACKEND_FAST: 'ollama',
    OLLAMA_URL: ollama.url,
  };
  // Both start at once: the schema migration must not collide.
  workers.push(...(await Promise.all([startPipelineServer(env), startPipelineServer(env)])));
}, 60_000);

afterAll(async () => {
  for (const w of workers) await w.proc.stop();
  await ollama?.close();
  await pg?.stop();
  await rm(root, { recursive: true, force: true });
});

const execute = (url: string, body: object, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/schema/pipeline/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const json = async <T>(res: Promise<Response>) => (await (await res).json()) as T;
type Page = { total: number; executions: { execution_id: string }[] };

describe('two server processes on one PostgreSQL database', () => {
  it('runs on both are listed, readable and deletable on both, at once', async () => {
    const [a, b] = workers as [(typeof workers)[0], (typeof workers)[0]];
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        json<{ execution_id: string; record: string }>(
          execute(n % 2 ? b.url : a.url, {
            schema: 'dada',
            input_text: `Eine Blume ${n}`,
            output_config: 'none',
            session_id: 'class-7b',
          }),
        ),
      ),
    );
    expect(answers.map((x) => x.record)).toEqual(Array(10).fill('saved'));
    const onA = await json<Page>(fetch(`${a.url}/api/executions?session_id=class-7b&limit=100`));
    const onB = await json<Page>(fetch(`${b.url}/api/executions?session_id=class-7b&limit=100`));
    expect(onA.total).toBe(10);
    expect(onB).toEqual(onA);
    // Read-your-writes on the other worker, then a delete there is seen here at once.
    const id = answers[0]!.execution_id;
    expect((await fetch(`${b.url}/api/executions/${id}`)).status).toBe(200);
    expect((await fetch(`${b.url}/api/executions/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${a.url}/api/executions/${id}`)).status).toBe(404);
    expect((await json<Page>(fetch(`${a.url}/api/executions?session_id=class-7b`))).total).toBe(9);
  });

  it('a live stream opened on the other worker receives the run items as they are saved, then its end', async () => {
    const [a, b] = workers as [(typeof workers)[0], (typeof workers)[0]];
    const started = await json<{ execution_id: string }>(
      execute(
        a.url,
        {
          schema: 'stillepost',
          input_text: 'Eine Blume',
          output_config: 'none',
          execution_mode: 'fast',
        },
        { prefer: 'respond-async' },
      ),
    );
    const { status, events } = await readSse(
      `${b.url}/api/executions/${started.execution_id}/stream`,
    );
    expect(status).toBe(200);
    const items = events.filter((e) => e.event === 'item');
    const types = items.map((e) => (e.data as { item_type: string }).item_type);
    expect(types.filter((t) => t === 'interception_iteration')).toHaveLength(8);
    expect(types.at(-1)).toBe('pipeline_complete');
    expect(items.map((e) => Number(e.id))).toEqual(types.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { status: 'completed' } });
    // Items came while the run went on (each Stille Post step waits for the slow LLM).
    const first = items[0]!.atMillis;
    expect(items.at(-1)!.atMillis - first).toBeGreaterThan(500);
  }, 60_000);
});
