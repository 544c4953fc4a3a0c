import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../../src/domain/record-codec.js';
import { TIMESTAMP_PATTERN } from '../../../src/domain/timestamp.js';
import { shape, sleep, spansOf, testTracing } from '../../helpers/tracing.js';

const LANGS = ['en', 'en', 'fr', 'nl', 'hi', 'tr', 'pl', 'ko', 'en'];

describe('ExecutionTracker reproduces the canonical flows', () => {
  it('(a) dada, text only: six items, measured times, completed', async () => {
    const { tracing, store } = await testTracing();
    const t = tracing.startRun({ configName: 'dada', executionMode: 'eco', safetyLevel: 'kids' });
    await t.run(async () => {
      await t.inStage(1, async () => {
        t.logUserInput('Eine Blume auf der Wiese', { language: 'de' });
        await sleep(3);
        t.logStage1SafetyCheck({ safe: true, method: 'fast_filter' });
        t.logTranslation('A flower in the meadow', {
          fromLang: 'de',
          toLang: 'en',
          model: 'gpt-oss',
          backend: 'ollama',
        });
      });
      await t.inStage(2, async () => {
        await sleep(3);
        t.logInterceptionFinal('A Dadaist meadow', {
          totalIterations: 1,
          transformationType: 'dada',
          configUsed: 'dada',
          model: 'mistral-nemo',
          backend: 'ollama',
        });
      });
    });
    await tracing.forceFlush();
    const record = (await store.get(t.executionId))!;
    expect(shape(record)).toEqual([
      ['pipeline_start', 0, null, null],
      ['user_input_text', 1, null, null],
      ['stage1_safety_check', 1, null, null],
      ['translation_result', 1, null, null],
      ['interception_final', 2, null, null],
      ['pipeline_complete', 5, null, null],
    ]);
    expect(record).toMatchObject({
      status: 'completed',
      config_name: 'dada',
      trace_id: t.traceId,
      execution_id: t.executionId,
    });
    expect(record.items[1]!.metadata).toEqual({ input_language: 'de', char_count: 24 });
    expect(record.items[2]!.metadata).toEqual({
      safe: true,
      method: 'fast_filter',
      safety_level: 'kids',
    });
    expect(record.items[3]).toMatchObject({
      model_used: 'gpt-oss',
      backend_type: 'ollama',
      metadata: { from_lang: 'de', to_lang: 'en' },
    });
    // Times are measured from the spans, never hard-coded.
    expect(record.items[2]!.execution_time).toBeGreaterThanOrEqual(0.002);
    expect(record.items[4]!.execution_time).toBeGreaterThanOrEqual(0.002);
    expect(record.total_execution_time).toBeGreaterThanOrEqual(0.005);
    expect(record.items[5]!.metadata).toMatchObject({
      outcome: 'completed',
      outputs_produced: 0,
      stages_completed: [1, 2],
      total_items_logged: 6,
    });
    for (const item of record.items) expect(item.timestamp).toMatch(/\.\d{6}[+-]\d{2}:\d{2}$/);
    const times = record.items.map((i) => i.timestamp);
    expect([...times].sort()).toEqual(times);
    expect(record.timestamp).toMatch(TIMESTAMP_PATTERN);
  });

  it('(a′) dada with an image output: stage 3 check and output share loop 1; complete has loop null', async () => {
    const { tracing, store, memory } = await testTracing();
    const t = tracing.startRun({ configName: 'dada' });
    await t.run(async () => {
      t.logUserInput('Eine Blume');
      t.logStage1SafetyCheck({ safe: true, method: 'fast_filter' });
      t.logTranslation('A flower', { fromLang: 'de', toLang: 'en' });
      await t.inStage(2, () =>
        t.logInterceptionFinal('A Dada flower', { totalIterations: 1, transformationType: 'dada' }),
      );
      await t.inStage(
        3,
        () =>
          t.logStage3SafetyCheck({
            loop: 1,
            safe: true,
            method: 'fast_filter',
            configUsed: 'sd35_large',
          }),
        { loop: 1 },
      );
      await t.inStage(
        4,
        async () => {
          const { seconds } = await t.backendCall(
            {
              operation: 'generate_content',
              provider: 'comfyui',
              model: 'sd35_large',
              outputType: 'image',
            },
            () => sleep(5),
          );
          t.setSeed(1234);
          t.logOutputImage({
            loop: 1,
            filePath: 'exec_x/output_1.png',
            configUsed: 'sd35_large',
            backend: 'comfyui',
            executionTime: seconds,
            metadata: { width: 64, height: 64, seed: 1234 },
          });
        },
        { loop: 1 },
      );
    });
    await tracing.forceFlush();
    const record = (await store.get(t.executionId))!;
    expect(shape(record).slice(4)).toEqual([
      ['interception_final', 2, null, null],
      ['stage3_safety_check', 3, null, 1],
      ['output_image', 4, null, 1],
      ['pipeline_complete', 5, null, null],
    ]);
    expect(record.used_seed).toBe(1234);
    expect(record.items[6]).toMatchObject({
      media_type: 'image',
      file_path: 'exec_x/output_1.png',
      backend_type: 'comfyui',
    });
    expect(record.items[6]!.execution_time).toBeGreaterThanOrEqual(0.004);
    expect(record.items[7]!.metadata).toMatchObject({
      outputs_produced: 1,
      outputs_blocked: 0,
      outputs_failed: 0,
    });
    const s = spansOf(memory.getFinishedSpans(), t.traceId);
    const backend = s.byRole('backend')[0]!;
    expect(backend.attributes).toMatchObject({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.provider.name': 'comfyui',
      'gen_ai.request.model': 'sd35_large',
    });
    expect(backend.parentSpanContext?.spanId).toBe(s.stage(4)[0]!.spanContext().spanId);
    expect(s.stage(4)[0]!.parentSpanContext?.spanId).toBe(s.run.spanContext().spanId);
  });

  it('(b) stillepost: eight iteration items, each on its own child span of stage 2, then the final', async () => {
    const { tracing, store, memory } = await testTracing();
    const t = tracing.startRun({ configName: 'stillepost' });
    await t.run(async () => {
      await t.inStage(1, () => {
        t.logUserInput('Eine Blume auf der Wiese');
        t.logStage1SafetyCheck({ safe: true, method: 'fast_filter' });
        t.logTranslation('A flower in the meadow', { fromLang: 'de', toLang: 'en' });
      });
      await t.inStage(2, async () => {
        for (let i = 1; i <= 8; i++) {
          await t.inIteration(i, async () => {
            await sleep(1);
            t.logInterceptionIteration(`text ${i}`, {
              iteration: i,
              fromLang: LANGS[i - 1]!,
              toLang: LANGS[i]!,
              model: 'mistral-nemo',
              backend: 'ollama',
              configUsed: 'stillepost',
            });
          });
        }
        t.logInterceptionFinal('text 8', {
          totalIterations: 8,
          transformationType: 'stillepost',
          languageSequence: LANGS,
        });
      });
    });
    await tracing.forceFlush();
    const record = (await store.get(t.executionId))!;
    expect(record.items).toHaveLength(14);
    const iterations = record.items.filter((i) => i.item_type === 'interception_iteration');
    expect(iterations.map((i) => i.stage_iteration)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(iterations.map((i) => `${i.metadata.from_lang}>${i.metadata.to_lang}`)).toEqual(
      LANGS.slice(0, 8).map((l, n) => `${l}>${LANGS[n + 1]}`),
    );
    for (const i of iterations) expect(i.execution_time).toBeGreaterThan(0);
    expect(record.items[12]).toMatchObject({
      item_type: 'interception_final',
      metadata: { total_iterations: 8, language_sequence: LANGS },
    });
    expect(record.items.map((i) => i.sequence_number)).toEqual(
      Array.from({ length: 14 }, (_, n) => n + 1),
    );
    const s = spansOf(memory.getFinishedSpans(), t.traceId);
    const iterationSpans = s.byRole('iteration');
    expect(iterationSpans).toHaveLength(8);
    const stage2 = s.stage(2)[0]!;
    for (const span of iterationSpans)
      expect(span.parentSpanContext?.spanId).toBe(stage2.spanContext().spanId);
  });

  it('(c) two outputs, the second blocked: counts produced and blocked apart', async () => {
    const { tracing, store } = await testTracing();
    const t = tracing.startRun({ configName: 'image_comparison' });
    await t.run(async () => {
      t.logUserInput('Ein freundliches Skelett');
      t.logStage1SafetyCheck({ safe: true, method: 'fast_filter' });
      t.logTranslation('A friendly skeleton', { fromLang: 'de', toLang: 'en' });
      t.logInterceptionFinal('A friendly skeleton', {
        totalIterations: 1,
        transformationType: 'image_comparison',
      });
      t.setStage(3);
      t.setLoopIteration(1);
      t.logStage3SafetyCheck({
        loop: 1,
        safe: true,
        method: 'fast_filter',
        configUsed: 'sd35_large',
      });
      t.setStage(4);
      t.logOutputImage({ loop: 1, filePath: 'a.png', configUsed: 'sd35_large' });
      t.setStage(3);
      t.setLoopIteration(2);
      t.logStage3SafetyCheck({
        loop: 2,
        safe: false,
        method: 'llm_context_check',
        foundTerms: ['skeleton'],
        configUsed: 'gpt5_image',
      });
      t.logStage3Blocked({
        loop: 2,
        reason: 'age_inappropriate',
        content: 'Content flagged as unsafe',
        configUsed: 'gpt5_image',
        foundTerms: ['skeleton'],
      });
    });
    await tracing.forceFlush();
    const record = (await store.get(t.executionId))!;
    expect(shape(record).slice(5)).toEqual([
      ['stage3_safety_check', 3, null, 1],
      ['output_image', 4, null, 1],
      ['stage3_safety_check', 3, null, 2],
      ['stage3_blocked', 3, null, 2],
      ['pipeline_complete', 5, null, null],
    ]);
    expect(record.items[7]!.metadata).toMatchObject({ safe: false, found_terms: ['skeleton'] });
    expect(record.items[9]!.metadata).toMatchObject({
      outcome: 'completed',
      outputs_produced: 1,
      outputs_blocked: 1,
      outputs_failed: 0,
      stages_completed: [1, 2, 3, 4],
    });
    expect(record.status).toBe('completed');
  });

  it('(d) blocked at stage 1: ends with a terminal item of outcome blocked', async () => {
    const { tracing, store } = await testTracing();
    const t = tracing.startRun({ configName: 'dada' });
    await t.run(async () => {
      await t.inStage(1, () => {
        t.logUserInput('Ich sprühe ein Hakenkreuz');
        t.logStage1SafetyCheck({ safe: false, method: 'fast_filter', foundTerms: ['hakenkreuz'] });
        t.logStage1Blocked({
          explanation: 'Dein Prompt wurde blockiert',
          reason: '§86a_violation',
          codes: ['§86a'],
        });
      });
    });
    await tracing.forceFlush();
    const record = (await store.get(t.executionId))!;
    expect(shape(record)).toEqual([
      ['pipeline_start', 0, null, null],
      ['user_input_text', 1, null, null],
      ['stage1_safety_check', 1, null, null],
      ['stage1_blocked', 1, null, null],
      ['pipeline_complete', 5, null, null],
    ]);
    expect(record.status).toBe('blocked');
    expect(record.items[3]).toMatchObject({
      content: 'Dein Prompt wurde blockiert',
      metadata: { blocked_reason: '§86a_violation', blocked_codes: ['§86a'] },
    });
    expect(record.items[4]!.metadata).toMatchObject({ outcome: 'blocked' });
  });

  it('(e) a stage 2 backend failure: pipeline_error of stage 2 ends the record, the error is rethrown unchanged', async () => {
    const { tracing, store, memory } = await testTracing();
    const t = tracing.startRun({ configName: 'dada' });
    const boom = new TypeError('ollama: connection refused');
    const outcome = t.run(async () => {
      t.logUserInput('Eine Blume');
      await t.inStage(2, () =>
        t.backendCall({ operation: 'chat', provider: 'ollama', model: 'mistral-nemo' }, () =>
          Promise.reject(boom),
        ),
      );
    });
    await expect(outcome).rejects.toBe(boom);
    await tracing.forceFlush();
    const record = (await store.get(t.executionId))!;
    expect(shape(record).at(-1)).toEqual(['pipeline_error', 2, null, null]);
    expect(record.items.at(-1)).toMatchObject({
      content: 'ollama: connection refused',
      metadata: { error_type: 'TypeError', stage: 2, recoverable: false },
    });
    expect(record.status).toBe('failed');
    const s = spansOf(memory.getFinishedSpans(), t.traceId);
    expect(s.stage(2)[0]!.status.code).toBe(2);
    expect(s.stage(2)[0]!.attributes['error.type']).toBe('TypeError');
    expect(s.byRole('backend')[0]!.events.some((e) => e.name === 'exception')).toBe(true);
  });

  it('(e) a stage 4 backend failure of one output: recoverable error item, the run still completes', async () => {
    const { tracing, store } = await testTracing();
    const t = tracing.startRun({ configName: 'dada' });
    await t.run(async () => {
      t.logInterceptionFinal('x', { totalIterations: 1, transformationType: 'dada' });
      t.logStage3SafetyCheck({ loop: 1, safe: true, method: 'fast_filter' });
      t.logError(new Error('ComfyUI: 500'), { stage: 4, loop: 1, backend: 'comfyui' });
    });
    await tracing.forceFlush();
    const record = (await store.get(t.executionId))!;
    expect(shape(record).slice(-2)).toEqual([
      ['pipeline_error', 4, null, 1],
      ['pipeline_complete', 5, null, null],
    ]);
    expect(record.items.at(-1)!.metadata).toMatchObject({ outcome: 'failed', outputs_failed: 1 });
    expect(record.status).toBe('failed');
  });

  it('writes records the codec reads back unchanged', async () => {
    const { tracing, store, dir } = await testTracing();
    const t = tracing.startRun({ configName: 'dada' });
    await t.run(() => t.logUserInput('Ein Hund 🐕 und ein Bär'));
    await tracing.forceFlush();
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(`${dir}/${t.executionId}.json`, 'utf8');
    expect(text).toContain('Ein Hund 🐕 und ein Bär');
    expect(parseRecord(text, 'x').record).toEqual(await store.get(t.executionId));
  });
});
