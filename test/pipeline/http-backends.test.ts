import { readFile } from 'node:fs/promises';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendSettings } from '../../src/pipeline/backends/backend-registry.js';
import { startComfyUiStandIn } from '../helpers/stand-ins/comfyui-stand-in.js';
import { startChatSwitch } from '../helpers/stand-ins/chat-switch.js';
import { startOllamaStandIn } from '../helpers/stand-ins/ollama-stand-in.js';
import { startOpenAiStandIn } from '../helpers/stand-ins/openai-stand-in.js';
import { testApp } from '../helpers/test-app.js';
import { shape, spansOf } from '../helpers/tracing.js';

/** The run's model calls (backend spans other than the stage 1 guardrail checks). */
const modelCalls = (s: ReturnType<typeof spansOf>) =>
  s.byRole('backend').filter((b) => b.attributes['gen_ai.operation.name'] !== 'apply_guardrail');

const EXECUTE = '/api/schema/pipeline/execute';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const settings = (over: Partial<BackendSettings>): BackendSettings => ({
  llm: { eco: 'offline', fast: 'offline' },
  media: { eco: 'offline', fast: 'offline' },
  ...over,
});

describe('Ollama backend against its stand-in', () => {
  it('translates and intercepts through /api/chat, with gen_ai spans and token usage', async () => {
    const ollama = await startOllamaStandIn({
      reply: (system, user) =>
        system.startsWith('Translate') ? 'A flower in the meadow' : `Dada: ${user}`,
    });
    closers.push(ollama.close);
    const ctx = await testApp({
      backends: settings({
        llm: { eco: 'ollama', fast: 'offline' },
        ollama: { baseUrl: ollama.url },
      }),
    });
    const res = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Eine Blume auf der Wiese', output_config: 'none' });
    expect(res.status).toBe(200);
    expect(res.body.final_text).toBe('Dada: A flower in the meadow');
    expect(ollama.requests).toHaveLength(2);
    expect(ollama.requests[0]!.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Eine Blume auf der Wiese',
    });
    await ctx.tracing.forceFlush();
    const record = (await ctx.store.get(res.body.execution_id))!;
    expect(record.items[3]).toMatchObject({
      item_type: 'translation_result',
      backend_type: 'ollama',
      model_used: 'mistral-nemo:latest',
      content: 'A flower in the meadow',
    });
    expect(record.items[4]).toMatchObject({
      item_type: 'interception_final',
      backend_type: 'ollama',
    });
    const chat = modelCalls(spansOf(ctx.memory.getFinishedSpans(), res.body.trace_id));
    expect(chat).toHaveLength(2);
    expect(chat[0]!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'ollama',
      'gen_ai.request.model': 'mistral-nemo:latest',
      'gen_ai.response.model': 'mistral-nemo:latest',
      'gen_ai.usage.input_tokens': 15,
    });
    // The item's seconds and the span's duration are one pair of clock readings (to the µs).
    expect(record.items[3]!.execution_time).toBeCloseTo(
      Number(chat[0]!.duration[0]) + chat[0]!.duration[1] / 1e9,
      5,
    );
  });

  it('(e) a stage 2 failure: 502, the record ends with pipeline_error of stage 2', async () => {
    let calls = 0;
    const ollama = await startOllamaStandIn({ reply: () => 'A flower' });
    closers.push(ollama.close);
    const failing = await startOllamaStandIn({ failWith: 500 });
    closers.push(failing.close);
    // Stage 1 through a working Ollama, stage 2 through a failing one: route by call count.
    const p = await startChatSwitch(() => (++calls === 1 ? ollama.url : failing.url));
    closers.push(p.close);
    const ctx = await testApp({
      backends: settings({ llm: { eco: 'ollama', fast: 'offline' }, ollama: { baseUrl: p.url } }),
    });
    const res = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Eine Blume' });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({
      status: 'failed',
      error: { stage: 2, type: 'BackendError', code: 'backend_http_error' },
    });
    expect(res.body.error.message).not.toMatch(/ollama|500|http/i);
    await ctx.tracing.forceFlush();
    const record = (await ctx.store.get(res.body.execution_id))!;
    // The details stay in the research record (and the server's log), not in the answer.
    expect(record.items.at(-1)!.content).toMatch(/ollama answered 500/);
    expect(shape(record).at(-1)).toEqual(['pipeline_error', 2, null, null]);
    expect(record.items.at(-1)!.metadata).toMatchObject({
      error_type: 'BackendError',
      stage: 2,
      recoverable: false,
    });
    // Reproducible: the failing step's config, model, backend and how long it ran.
    expect(record.items.at(-1)).toMatchObject({
      config_used: 'dada',
      model_used: expect.any(String),
      backend_type: 'ollama',
      execution_time: expect.any(Number),
    });
    expect(record.status).toBe('failed');
    const s = spansOf(ctx.memory.getFinishedSpans(), res.body.trace_id);
    expect(s.stage(2)).toHaveLength(1);
    expect(s.stage(2)[0]!.events.at(-1)!.name).toBe('pipeline_error');
    expect(s.all.flatMap((span) => span.events).filter((e) => e.name === 'exception')).toHaveLength(
      1,
    );
  });

  it('(e) an unreachable backend: 502 with a code and no internal URL, the record still ends', async () => {
    const ctx = await testApp({
      backends: settings({
        llm: { eco: 'ollama', fast: 'offline' },
        ollama: { baseUrl: 'http://127.0.0.1:9', timeoutMillis: 2_000 },
      }),
    });
    const res = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Eine Blume' });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ stage: 1, code: 'backend_unreachable' });
    expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1:9|ollama/);
    await ctx.tracing.forceFlush();
    expect(shape((await ctx.store.get(res.body.execution_id))!).at(-1)).toEqual([
      'pipeline_error',
      1,
      null,
      null,
    ]);
  });
});

describe('OpenAI-compatible backend against its stand-in', () => {
  it('serves the fast mode through /v1/chat/completions with the bearer key', async () => {
    const openai = await startOpenAiStandIn({ apiKey: 'sk-test', reply: (u) => `Bauhaus: ${u}` });
    closers.push(openai.close);
    const ctx = await testApp({
      backends: settings({
        llm: { eco: 'offline', fast: 'openai' },
        openai: {
          baseUrl: openai.baseUrl,
          apiKey: 'sk-test',
          model: 'mistralai/mistral-nemo',
          type: 'openrouter',
        },
      }),
    });
    const res = await request(ctx.app).post(EXECUTE).send({
      schema: 'bauhaus',
      input_text: 'Ein Haus',
      execution_mode: 'fast',
      output_config: 'none',
    });
    expect(res.status).toBe(200);
    expect(openai.requests.map((r) => r.model)).toEqual([
      'mistralai/mistral-nemo',
      'mistralai/mistral-nemo',
    ]);
    await ctx.tracing.forceFlush();
    const record = (await ctx.store.get(res.body.execution_id))!;
    expect(record.execution_mode).toBe('fast');
    expect(record.items[4]).toMatchObject({
      backend_type: 'openrouter',
      model_used: 'mistralai/mistral-nemo',
    });
    const spans = modelCalls(spansOf(ctx.memory.getFinishedSpans(), res.body.trace_id));
    expect(spans[0]!.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': 42,
      'gen_ai.usage.output_tokens': 7,
    });
  });

  it('a wrong key is a backend failure (502), not a crash', async () => {
    const openai = await startOpenAiStandIn({ apiKey: 'sk-right' });
    closers.push(openai.close);
    const ctx = await testApp({
      backends: settings({
        llm: { eco: 'offline', fast: 'openai' },
        openai: { baseUrl: openai.baseUrl, apiKey: 'sk-wrong', model: 'm' },
      }),
    });
    const res = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Ein Haus', execution_mode: 'fast' });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ stage: 1, code: 'backend_http_error' });
    // The ids are random hex (they may hold "401"); everything else must not name the backend.
    const answer = { ...res.body, execution_id: null, trace_id: null, trace_url: null };
    expect(JSON.stringify(answer)).not.toMatch(/openrouter|401|127\.0\.0\.1/);
  });
});

/** An app whose eco media backend is a ComfyUI stand-in with `options`. */
async function comfyApp(options: Parameters<typeof startComfyUiStandIn>[0] = {}) {
  const comfy = await startComfyUiStandIn(options);
  closers.push(comfy.close);
  const ctx = await testApp({
    backends: settings({
      media: { eco: 'comfyui', fast: 'offline' },
      comfyui: { baseUrl: comfy.url, pollMillis: 20 },
    }),
  });
  return { comfy, ctx };
}

describe('ComfyUI backend against its stand-in', () => {
  it('submits the workflow, waits in /history, fetches through /view; records the generation time', async () => {
    const { comfy, ctx } = await comfyApp({
      executionMillis: 150,
      reportedExecutionMillis: 2_345,
    });
    const res = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Eine Blume', seed: 7 });
    expect(res.status).toBe(200);
    const [prompt] = [...comfy.prompts.values()];
    expect(prompt!.workflow['6']!.inputs!.text).toBe(res.body.final_text);
    expect(prompt!.workflow['3']!.inputs!.seed).toBe(7);
    await ctx.tracing.forceFlush();
    const output = (await ctx.store.get(res.body.execution_id))!.items.find((i) => i.stage === 4)!;
    expect(output).toMatchObject({
      item_type: 'output_image',
      backend_type: 'comfyui',
      model_used: 'sd3.5_large',
      execution_time: 2.345,
    });
    expect(output.metadata).toMatchObject({ comfyui_filename: 'ComfyUI_00001_.png', seed: 7 });
    expect((await readFile(output.file_path!)).subarray(1, 4).toString()).toBe('PNG');
  });

  it('records the medium really produced: an mp4 from an image config is output_video', async () => {
    const { ctx } = await comfyApp({ filename: 'ComfyUI_00002_.mp4' });
    const res = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Eine Blume' });
    await ctx.tracing.forceFlush();
    const output = (await ctx.store.get(res.body.execution_id))!.items.find((i) => i.stage === 4)!;
    expect(output).toMatchObject({ item_type: 'output_video', media_type: 'video' });
    expect(res.body.outputs[0]).toMatchObject({ status: 'produced', media_type: 'video' });
  });

  it('an output the backend names .svg is served as a download that cannot run script', async () => {
    const { ctx } = await comfyApp({ filename: 'ComfyUI_00003_.svg' });
    const res = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Eine Blume' });
    await ctx.tracing.forceFlush();
    const output = (await ctx.store.get(res.body.execution_id))!.items.find((i) => i.stage === 4)!;
    const file = output.file_path!.split('/').pop()!;
    expect(file).toMatch(/\.svg$/);
    const media = await request(ctx.app).get(
      `/api/executions/${res.body.execution_id}/media/${file}`,
    );
    expect(media.status).toBe(200);
    expect(media.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="${file}"`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
  });

  it('(e) a failed generation: 502, pipeline_error of stage 4 loop 1, then the terminal item', async () => {
    const { ctx } = await comfyApp({ fail: true });
    const res = await request(ctx.app)
      .post(EXECUTE)
      .send({ schema: 'dada', input_text: 'Eine Blume' });
    expect(res.status).toBe(502);
    expect(res.body.outputs).toEqual([
      expect.objectContaining({
        status: 'failed',
        error_code: 'backend_generation_failed',
        error: expect.not.stringMatching(/comfyui|prompt/i),
      }),
    ]);
    await ctx.tracing.forceFlush();
    const record = (await ctx.store.get(res.body.execution_id))!;
    expect(shape(record).slice(-2)).toEqual([
      ['pipeline_error', 4, null, 1],
      ['pipeline_complete', 5, null, null],
    ]);
    expect(record.items.at(-1)!.metadata).toMatchObject({
      outcome: 'failed',
      outputs_failed: 1,
      outputs_produced: 0,
    });
    expect(record.status).toBe('failed');
    // One stage 4 span holds the error item; the exception is recorded once, where it happened.
    const s = spansOf(ctx.memory.getFinishedSpans(), res.body.trace_id);
    const stage4 = s.stage(4);
    expect(stage4).toHaveLength(1);
    expect(stage4[0]!.events.map((e) => e.name)).toEqual(['pipeline_error']);
    expect(stage4[0]!.status.code).toBe(2);
    const exceptions = s.all.flatMap((span) =>
      span.events.filter((e) => e.name === 'exception').map(() => span.name),
    );
    expect(exceptions).toEqual([s.byRole('backend').at(-1)!.name]);
  });
});
