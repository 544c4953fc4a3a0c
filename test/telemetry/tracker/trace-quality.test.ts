import { describe, expect, it } from 'vitest';
import type { ExecutionItem } from '../../../src/domain/execution-item.js';
import { ROOT } from '../../helpers/processes.js';
import { sleep, spansOf, testTracing } from '../../helpers/tracing.js';

describe('trace quality', () => {
  it('names spans by operation: iteration and loop numbers and the output config are attributes', async () => {
    const { tracing, memory } = await testTracing();
    const t = tracing.startRun({ configName: 'stillepost' });
    await t.run(async () => {
      await t.inStage(2, async () => {
        for (let i = 1; i <= 3; i++) await t.inIteration(i, () => {});
      });
      for (const loop of [1, 2]) {
        const outputConfig = loop === 1 ? 'sd35_large' : 'gpt5_image';
        await t.inStage(3, () => {}, { loop, outputConfig });
        await t.inStage(4, () => {}, { loop, outputConfig });
      }
    });
    await tracing.forceFlush();
    const s = spansOf(memory.getFinishedSpans(), t.traceId);
    expect(new Set(s.byRole('iteration').map((x) => x.name))).toEqual(
      new Set(['stage2 iteration']),
    );
    expect(s.byRole('iteration').map((x) => x.attributes['execution.stage_iteration'])).toEqual([
      1, 2, 3,
    ]);
    expect(s.stage(4).map((x) => x.name)).toEqual(['stage4 generation', 'stage4 generation']);
    expect(s.stage(3).map((x) => x.name)).toEqual([
      'stage3 pre-output safety',
      'stage3 pre-output safety',
    ]);
    expect(
      s
        .stage(4)
        .map((x) => [
          x.attributes['execution.loop_iteration'],
          x.attributes['execution.output_config'],
        ]),
    ).toEqual([
      [1, 'sd35_large'],
      [2, 'gpt5_image'],
    ]);
  });

  it('records a failing stage on its one span: the error item, the exception once, no absolute paths', async () => {
    const { tracing, store, memory } = await testTracing();
    const t = tracing.startRun({ configName: 'stillepost' });
    const boom = new Error('ollama answered 500');
    await expect(
      t.run(() =>
        t.inStage(2, () =>
          t.inIteration(2, () =>
            t.backendCall({ operation: 'chat', provider: 'ollama' }, () => Promise.reject(boom)),
          ),
        ),
      ),
    ).rejects.toBe(boom);
    await tracing.forceFlush();
    const record = (await store.get(t.executionId))!;
    const errors = record.items.filter((i) => i.item_type === 'pipeline_error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ stage: 2, stage_iteration: 2, content: boom.message });
    expect(record.items.at(-1)!.item_type).toBe('pipeline_error');
    expect(record.status).toBe('failed');

    const s = spansOf(memory.getFinishedSpans(), t.traceId);
    expect(s.stage(2)).toHaveLength(1);
    expect(s.byRole('iteration')).toHaveLength(1);
    expect(s.byRole('iteration')[0]!.events.map((e) => e.name)).toEqual(['pipeline_error']);
    const exceptions = s.all.flatMap((span) =>
      span.events.filter((e) => e.name === 'exception').map((e) => ({ span, e })),
    );
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]!.span.attributes['execution.span.role']).toBe('backend');
    const stack = String(exceptions[0]!.e.attributes!['exception.stacktrace']);
    expect(stack).toContain('test/telemetry/tracker/trace-quality.test.ts');
    expect(stack).not.toContain(ROOT);
    // Every span the error passed through says so.
    for (const span of [s.byRole('backend')[0]!, s.byRole('iteration')[0]!, s.stage(2)[0]!, s.run])
      expect([span.status.code, span.attributes['error.type']]).toEqual([2, 'Error']);
  });

  it('records a recoverable stage failure once, counted as a failed output; the run goes on', async () => {
    const { tracing, store, memory } = await testTracing();
    const t = tracing.startRun({ configName: 'dada' });
    await t.run(async () => {
      await t
        .inStage(
          4,
          () => {
            throw new TypeError('ComfyUI: 500');
          },
          { loop: 1, failure: { recoverable: true, backend: 'comfyui', configUsed: 'sd35' } },
        )
        .catch((error: unknown) => t.logError(error, { stage: 4, loop: 1 })); // not a second item
    });
    await tracing.forceFlush();
    const record = (await store.get(t.executionId))!;
    expect(record.items.filter((i) => i.item_type === 'pipeline_error')).toEqual([
      expect.objectContaining({
        stage: 4,
        loop_iteration: 1,
        backend_type: 'comfyui',
        config_used: 'sd35',
        metadata: { error_type: 'TypeError', stage: 4, recoverable: true },
      }),
    ]);
    expect(record.items.at(-1)!.metadata).toMatchObject({ outputs_failed: 1, outcome: 'failed' });
    expect(spansOf(memory.getFinishedSpans(), t.traceId).stage(4)).toHaveLength(1);
  });

  it('gives the live listener each item exactly as the record holds it', async () => {
    const seen: ExecutionItem[] = [];
    const { tracing, store } = await testTracing();
    const t = tracing.startRun({
      configName: 'dada',
      input: { text: 'Eine Blume' },
      onItem: (_id, item) => seen.push(item),
    });
    await t.run(async () => {
      await t.inStage(1, () => {
        t.logStage1SafetyCheck({ safe: true, method: 'fast_filter' });
        t.logTranslation('A flower', {
          fromLang: 'de',
          toLang: 'en',
          metadata: { tokens: 12n, none: undefined },
        });
      });
    });
    await tracing.forceFlush();
    const record = (await store.get(t.executionId))!;
    expect(JSON.parse(JSON.stringify(seen))).toEqual(record.items);
    expect(seen[3]!.metadata).toEqual({ from_lang: 'de', to_lang: 'en', tokens: '12' });
  });

  it('rounds every time in the record to microseconds', async () => {
    const { tracing, store } = await testTracing();
    const t = tracing.startRun({ configName: 'dada' });
    await t.run(() =>
      t.inStage(1, async () => {
        await sleep(2);
        t.logStage1SafetyCheck({ safe: true, method: 'fast_filter', executionTime: 0.1 + 0.2 });
        t.logTranslation('A flower', { fromLang: 'de', toLang: 'en' });
      }),
    );
    await tracing.forceFlush();
    const record = (await store.get(t.executionId))!;
    const micro = (x: number) => expect(Math.round(x * 1e6) / 1e6).toBe(x);
    micro(record.total_execution_time!);
    for (const item of record.items) if (item.execution_time !== null) micro(item.execution_time);
    expect(record.items[1]!.execution_time).toBe(0.3);
    micro(record.items.at(-1)!.metadata.total_duration_seconds as number);
  });
});
