import { readFile, stat } from 'node:fs/promises';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { shape } from '../helpers/tracing.js';
import { testApp } from '../helpers/test-app.js';

const run = (app: Awaited<ReturnType<typeof testApp>>['app'], body: object) =>
  request(app).post('/api/schema/pipeline/execute').send(body);

async function recordOf(
  ctx: Awaited<ReturnType<typeof testApp>>,
  id: string,
): Promise<ExecutionRecord> {
  await ctx.tracing.forceFlush();
  return (await ctx.store.get(id))!;
}

describe('pipeline flows over HTTP', () => {
  it('(a) dada, text only: record item by item, backend labelled offline, timings measured', async () => {
    const ctx = await testApp();
    const res = await run(ctx.app, {
      schema: 'dada',
      input_text: 'Eine Blume auf der Wiese',
      output_config: 'none',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'completed',
      outputs: [],
      translated_text: 'A flower on the meadow.',
    });
    expect(res.body.final_text).toMatch(/^A Dadaist artwork concept: A flower on the meadow/);
    expect(res.body.trace_url).toBe(`http://jaeger.test/trace/${res.body.trace_id}`);
    const record = await recordOf(ctx, res.body.execution_id);
    expect(shape(record)).toEqual([
      ['pipeline_start', 0, null, null],
      ['user_input_text', 1, null, null],
      ['stage1_safety_check', 1, null, null],
      ['translation_result', 1, null, null],
      ['interception_final', 2, null, null],
      ['pipeline_complete', 5, null, null],
    ]);
    expect(record).toMatchObject({
      execution_id: res.body.execution_id,
      trace_id: res.body.trace_id,
      status: 'completed',
      config_name: 'dada',
      execution_mode: 'eco',
      safety_level: 'kids',
    });
    expect(record.items[1]).toMatchObject({
      content: 'Eine Blume auf der Wiese',
      metadata: { input_language: 'de', char_count: 24 },
    });
    expect(record.items[2]!.metadata).toMatchObject({ safe: true, method: 'fast_filter' });
    expect(record.items[3]).toMatchObject({
      backend_type: 'offline',
      model_used: 'offline-rules-v1',
      metadata: { from_lang: 'de', to_lang: 'en' },
    });
    expect(record.items[4]).toMatchObject({
      config_used: 'dada',
      backend_type: 'offline',
      metadata: { total_iterations: 1, transformation_type: 'dada' },
    });
    for (const i of [2, 3, 4]) expect(record.items[i]!.execution_time).toBeGreaterThan(0);
    expect(record.total_execution_time).toBeGreaterThan(0);
  });

  it('(a′) dada with its default image output: a real PNG under the run id', async () => {
    const ctx = await testApp();
    const res = await run(ctx.app, {
      schema: 'dada',
      input_text: 'Eine Blume auf der Wiese',
      seed: 42,
    });
    expect(res.status).toBe(200);
    const record = await recordOf(ctx, res.body.execution_id);
    expect(shape(record).slice(4)).toEqual([
      ['interception_final', 2, null, null],
      ['stage3_safety_check', 3, null, 1],
      ['output_image', 4, null, 1],
      ['pipeline_complete', 5, null, null],
    ]);
    const output = record.items[6]!;
    expect(output).toMatchObject({
      media_type: 'image',
      config_used: 'sd35_large',
      backend_type: 'offline',
      metadata: { seed: 42, format: 'png' },
    });
    expect(output.file_path).toContain(res.body.execution_id);
    expect((await readFile(output.file_path!)).subarray(1, 4).toString()).toBe('PNG');
    expect(record.used_seed).toBe(42);
    expect(res.body.outputs).toEqual([
      {
        loop: 1,
        output_config: 'sd35_large',
        status: 'produced',
        media_type: 'image',
        file_path: output.file_path,
      },
    ]);
    expect(record.items[7]!.metadata).toMatchObject({
      outputs_produced: 1,
      outputs_blocked: 0,
      outputs_failed: 0,
      stages_completed: [1, 2, 3, 4],
    });
  });

  it('(b) stillepost: eight iterations through the language chain, then the final', async () => {
    const ctx = await testApp();
    const res = await run(ctx.app, {
      schema: 'stillepost',
      input_text: 'Eine Blume auf der Wiese',
    });
    expect(res.status).toBe(200);
    const record = await recordOf(ctx, res.body.execution_id);
    expect(record.items).toHaveLength(14);
    const iterations = record.items.filter((i) => i.item_type === 'interception_iteration');
    expect(
      iterations.map((i) => [i.stage_iteration, i.metadata.from_lang, i.metadata.to_lang]),
    ).toEqual([
      [1, 'en', 'en'],
      [2, 'en', 'fr'],
      [3, 'fr', 'nl'],
      [4, 'nl', 'hi'],
      [5, 'hi', 'tr'],
      [6, 'tr', 'pl'],
      [7, 'pl', 'ko'],
      [8, 'ko', 'en'],
    ]);
    expect(iterations[3]!.content).toMatch(/फूल/);
    expect(iterations[6]!.content).toMatch(/꽃/);
    expect(record.items[12]).toMatchObject({
      item_type: 'interception_final',
      content: res.body.final_text,
      metadata: {
        total_iterations: 8,
        language_sequence: ['en', 'en', 'fr', 'nl', 'hi', 'tr', 'pl', 'ko', 'en'],
      },
    });
    expect(record.items[13]!.item_type).toBe('pipeline_complete');
  });

  it('(c) two outputs, the second blocked for kids: one produced, one blocked', async () => {
    const ctx = await testApp();
    const res = await run(ctx.app, {
      schema: 'image_comparison',
      input_text: 'Ein freundliches Skelett tanzt lachend auf einem Kindergeburtstag',
      safety_level: 'kids',
    });
    expect(res.status).toBe(200);
    expect(res.body.outputs.map((o: { status: string }) => o.status)).toEqual([
      'produced',
      'blocked',
    ]);
    const record = await recordOf(ctx, res.body.execution_id);
    expect(shape(record).slice(5)).toEqual([
      ['stage3_safety_check', 3, null, 1],
      ['output_image', 4, null, 1],
      ['stage3_safety_check', 3, null, 2],
      ['stage3_blocked', 3, null, 2],
      ['pipeline_complete', 5, null, null],
    ]);
    expect(record.items[7]).toMatchObject({
      config_used: 'gpt5_image',
      metadata: {
        safe: false,
        method: 'llm_context_check',
        found_terms: ['skelett*', 'skeleton*'],
        categories: ['horror'],
        matched_texts: ['original', 'translation', 'final_prompt'],
      },
    });
    expect(record.items[8]).toMatchObject({
      config_used: 'gpt5_image',
      metadata: { blocked_reason: 'age_inappropriate' },
    });
    expect(record.items[9]!.metadata).toMatchObject({
      outputs_produced: 1,
      outputs_blocked: 1,
      outputs_failed: 0,
    });
  });

  it('(c) the same prompt at research level skips stage 3 and produces both', async () => {
    const ctx = await testApp();
    const res = await run(ctx.app, {
      schema: 'image_comparison',
      input_text: 'Ein freundliches Skelett',
      safety_level: 'research',
    });
    const record = await recordOf(ctx, res.body.execution_id);
    expect(record.items.some((i) => i.stage === 3)).toBe(false);
    expect(res.body.outputs.map((o: { status: string }) => o.status)).toEqual([
      'produced',
      'produced',
    ]);
  });

  it('(d) blocked at stage 1: 403 with the German explanation, record ends with a terminal item', async () => {
    const ctx = await testApp();
    const res = await run(ctx.app, {
      schema: 'dada',
      input_text: 'Ich sprühe ein Hakenkreuz an die Schulwand',
    });
    expect(res.status).toBe(403);
    expect(res.body.blocked_message).toMatch(
      /^⚠️ Dein Prompt wurde blockiert\n\nGRUND: §86a StGB - Hakenkreuz/,
    );
    const record = await recordOf(ctx, res.body.execution_id);
    expect(shape(record)).toEqual([
      ['pipeline_start', 0, null, null],
      ['user_input_text', 1, null, null],
      ['stage1_safety_check', 1, null, null],
      ['stage1_blocked', 1, null, null],
      ['pipeline_complete', 5, null, null],
    ]);
    expect(record.items[2]!.metadata).toMatchObject({ safe: false, found_terms: ['hakenkreuz*'] });
    expect(record.items[3]).toMatchObject({
      content: res.body.blocked_message,
      metadata: { blocked_reason: '§86a_violation', blocked_codes: ['§86a'] },
    });
    expect(record.status).toBe('blocked');
  });

  it('matches terms on word boundaries: "painting" is not "pain", compounds match a * term', async () => {
    const ctx = await testApp();
    const safe = await run(ctx.app, {
      schema: 'passthrough',
      input_text: 'A painting of a sunny day',
      input_language: 'en',
    });
    expect(safe.body.outputs[0].status).toBe('produced');
    const blocked = await run(ctx.app, {
      schema: 'passthrough',
      input_text: 'Eine Hakenkreuzfahne',
      input_language: 'de',
    });
    expect(blocked.status).toBe(403);
  });

  it.each([
    ['stable_audio', 'audio', 'output_audio', 'RIFF'],
    ['acestep_music', 'music', 'output_music', 'RIFF'],
    ['wan_video', 'video', 'output_video', '\x89PNG'],
    ['hunyuan3d', '3d', 'output_3d', '# of'],
  ])('produces a real %s file and records it as %s', async (config, media, itemType, magic) => {
    const ctx = await testApp();
    const res = await run(ctx.app, {
      schema: 'passthrough',
      input_text: 'Eine Katze',
      output_config: config,
    });
    expect(res.status).toBe(200);
    const record = await recordOf(ctx, res.body.execution_id);
    const out = record.items.find((i) => i.stage === 4)!;
    expect(out).toMatchObject({
      item_type: itemType,
      media_type: media,
      loop_iteration: 1,
      config_used: config,
    });
    const bytes = await readFile(out.file_path!);
    expect(bytes.subarray(0, magic.length).toString('latin1')).toBe(magic);
    expect((await stat(out.file_path!)).size).toBeGreaterThan(40);
  });
});
