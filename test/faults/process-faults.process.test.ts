import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { startPipelineServer } from '../helpers/observability-stack.js';
import { startOtlpCapture } from '../helpers/otlp-capture.js';
import type { Proc } from '../helpers/processes.js';
import { startOllamaStandIn } from '../helpers/stand-ins/ollama-stand-in.js';
import { eventually } from '../helpers/eventually.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function dirs() {
  const root = await mkdtemp(join(tmpdir(), 'faults-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  return { EXECUTIONS_DIR: join(root, 'executions'), MEDIA_DIR: join(root, 'media') };
}

const post = (url: string, body: object) =>
  fetch(`${url}/api/schema/pipeline/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('process faults (real child processes)', () => {
  it('SIGKILL mid-run: after restart the record exists, incomplete, with every item of the finished stages', async () => {
    // Stage 1's translation answers at once; stage 2's interception never returns in time.
    const ollama = await startOllamaStandIn({
      reply: (system) => (system.startsWith('Translate') ? 'A flower' : 'never seen'),
    });
    cleanups.push(ollama.close);
    const slow = await startOllamaStandIn({ delayMillis: 60_000 });
    cleanups.push(slow.close);
    const express = (await import('express')).default;
    const { listen } = await import('../helpers/listen.js');
    const router = express();
    router.use(express.json());
    router.post('/api/chat', async (req, res) => {
      const system = (req.body as { messages: { content: string }[] }).messages[0]!.content;
      const target = system.startsWith('Translate') ? ollama.url : slow.url;
      const answer = await fetch(`${target}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(req.body),
      }).catch(() => null);
      if (answer)
        res
          .status(answer.status)
          .type('json')
          .send(await answer.text());
    });
    const proxy = await listen(router);
    cleanups.push(proxy.close);
    const env = {
      ...(await dirs()),
      OTEL_TRACES_EXPORTER: 'none',
      LLM_BACKEND_ECO: 'ollama',
      OLLAMA_URL: proxy.url,
    };
    const server = await startPipelineServer(env);
    cleanups.push(() => server.proc.stop('SIGKILL'));
    void post(server.url, { schema: 'dada', input_text: 'Eine Blume' }).catch(() => {});
    // Wait for the stage 1 checkpoint to be on disk, then kill the process hard.
    const id = await eventually(async () => {
      const list = (await (
        await fetch(`${server.url}/api/executions?status=incomplete`)
      ).json()) as { executions: { execution_id: string; items_count: number }[] };
      return list.executions.find((e) => e.items_count >= 4)?.execution_id ?? false;
    });
    await server.proc.stop('SIGKILL');
    const again = await startPipelineServer(env);
    cleanups.push(() => again.proc.stop());
    const record = (await (
      await fetch(`${again.url}/api/executions/${id}`)
    ).json()) as ExecutionRecord;
    expect(record.status).toBe('incomplete');
    expect(record.items.map((i) => i.item_type)).toEqual([
      'pipeline_start',
      'user_input_text',
      'stage1_safety_check',
      'translation_result',
    ]);
    expect(record.items[3]).toMatchObject({ content: 'A flower', backend_type: 'ollama' });
  }, 60_000);

  it('SIGTERM under load: in-flight runs finish with records and spans flushed; new requests are refused', async () => {
    const ollama = await startOllamaStandIn({ delayMillis: 400, reply: () => 'A flower' });
    cleanups.push(ollama.close);
    const capture = await startOtlpCapture();
    cleanups.push(capture.close);
    const env = {
      ...(await dirs()),
      LLM_BACKEND_ECO: 'ollama',
      OLLAMA_URL: ollama.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: capture.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      LOG_LEVEL: 'info',
    };
    const server: { proc: Proc; url: string } = await startPipelineServer(env);
    cleanups.push(() => server.proc.stop('SIGKILL'));
    const inFlight = Array.from({ length: 20 }, (_, n) =>
      post(server.url, {
        schema: 'dada',
        input_text: `Eine Blume ${n}`,
        output_config: 'none',
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { execution_id: string; trace_id: string },
      })),
    );
    // Every run is in flight once the backend has its stage 1 call.
    await eventually(
      () => expect(ollama.requests.length, server.proc.output().slice(-3000)).toBe(20),
      { timeoutMillis: 15_000 },
    );
    const exited = new Promise<number | null>((r) =>
      server.proc.child.once('exit', (code) => r(code)),
    );
    server.proc.child.kill('SIGTERM');
    await eventually(() => server.proc.output().includes('shutting down'), {
      what: 'the shutting-down log line',
    });
    const late = await post(server.url, { schema: 'dada', input_text: 'zu spät' }).then(
      (r) => r.status,
      (e: Error) => e.message,
    );
    expect(String(late)).toMatch(/^503$|fetch failed|ECONNREFUSED/);
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(await exited).toBe(0);
    // Records complete on disk, spans of every run flushed to the collector before exit.
    const again = await startPipelineServer({ ...env, OTEL_TRACES_EXPORTER: 'none' });
    cleanups.push(() => again.proc.stop());
    for (const a of answers) {
      const record = (await (
        await fetch(`${again.url}/api/executions/${a.body.execution_id}`)
      ).json()) as ExecutionRecord;
      expect(record.status).toBe('completed');
      expect(
        capture.traceIds,
        `spans received: ${capture.spans()}, e.g. ${[...capture.traceIds][0]}`,
      ).toContain(a.body.trace_id);
    }
  }, 60_000);
});
