import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionRecord } from '../../../src/domain/execution-record.js';
import { MemoryRecordStore } from '../../../src/store/memory-record-store.js';
import { ExecutionTracker } from '../../../src/telemetry/tracker/execution-tracker.js';
import { shape, sleep, spansOf, testTracing } from '../../helpers/tracing.js';
import { openFileStore } from '../../helpers/file-store.js';
import { eventually } from '../../helpers/eventually.js';

function captureDiag(): string[] {
  const lines: string[] = [];
  const push = (...args: unknown[]) => lines.push(args.map(String).join(' '));
  const logger: DiagLogger = {
    error: push,
    warn: push,
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return lines;
}

afterEach(() => diag.disable());

describe('concurrent runs never mix', () => {
  it('300 interleaved runs each record exactly their own items, without gaps', async () => {
    const { tracing, store } = await testTracing();
    const runs = Array.from({ length: 300 }, (_, n) => n);
    const trackers = await Promise.all(
      runs.map(async (n) => {
        const t = tracing.startRun({
          configName: n % 2 ? 'stillepost' : 'dada',
          userId: `child-${n}`,
        });
        await t.run(async () => {
          await t.inStage(1, async () => {
            t.logUserInput(`prompt of run ${n}`);
            await sleep(Math.random() * 5);
            t.logTranslation(`translation of run ${n}`, { fromLang: 'de', toLang: 'en' });
          });
          await t.inStage(2, async () => {
            const iterations = n % 2 ? 1 + (n % 8) : 0;
            for (let i = 1; i <= iterations; i++) {
              await t.inIteration(i, async () => {
                await sleep(Math.random() * 3);
                t.logInterceptionIteration(`iteration ${i} of run ${n}`, {
                  iteration: i,
                  fromLang: 'en',
                  toLang: 'fr',
                });
              });
            }
            t.logInterceptionFinal(`final of run ${n}`, {
              totalIterations: Math.max(1, iterations),
              transformationType: 'x',
            });
          });
        });
        return { n, t };
      }),
    );
    await tracing.forceFlush();
    for (const { n, t } of trackers) {
      const record = (await store.get(t.executionId))!;
      expect(record.user_id).toBe(`child-${n}`);
      expect(record.trace_id).toBe(t.traceId);
      const expected = 5 + (n % 2 ? 1 + (n % 8) : 0);
      expect(record.items).toHaveLength(expected);
      expect(record.items.map((i) => i.sequence_number)).toEqual(
        Array.from({ length: expected }, (_, k) => k + 1),
      );
      for (const item of record.items)
        if (item.content) expect(item.content).toMatch(new RegExp(`of run ${n}$`));
      expect(record.status).toBe('completed');
    }
    expect(new Set(trackers.map(({ t }) => t.executionId)).size).toBe(300);
  });

  it('gives the structured form the stage span as the active span', async () => {
    const { tracing, memory } = await testTracing();
    const t = tracing.startRun({ configName: 'dada' });
    const { trace } = await import('@opentelemetry/api');
    let active: string | undefined;
    await t.run(() =>
      t.inStage(1, async () => {
        await sleep(1);
        active = trace.getActiveSpan()?.spanContext().spanId;
      }),
    );
    await tracing.forceFlush();
    expect(active).toBe(
      spansOf(memory.getFinishedSpans(), t.traceId).stage(1)[0]!.spanContext().spanId,
    );
  });
});

describe('long runs keep every item', () => {
  it('rolls over to continuation spans instead of dropping events past the span limit', async () => {
    const { tracing, store, memory } = await testTracing({ maxEventsPerSpan: 4 });
    const t = tracing.startRun({ configName: 'stillepost' });
    await t.run(() =>
      t.inStage(2, () => {
        for (let i = 1; i <= 10; i++)
          t.logInterceptionFinal(`v${i}`, { totalIterations: i, transformationType: 'x' });
      }),
    );
    await tracing.forceFlush();
    const record = (await store.get(t.executionId))!;
    expect(
      record.items.filter((i) => i.item_type === 'interception_final').map((i) => i.content),
    ).toEqual(Array.from({ length: 10 }, (_, i) => `v${i + 1}`));
    const spans = spansOf(memory.getFinishedSpans(), t.traceId);
    expect(spans.byRole('continuation')).toHaveLength(2);
    expect(spans.all.every((s) => s.droppedEventsCount === 0)).toBe(true);
  });
});

describe('telemetry never breaks the pipeline', () => {
  it('keeps running and answering when the store throws on every save', async () => {
    const lines = captureDiag();
    const broken = Object.assign(new MemoryRecordStore(), {
      save: () => Promise.reject(new Error('EROFS')),
    });
    const { tracing } = await testTracing({ store: broken });
    const t = tracing.startRun({ configName: 'dada' });
    const answer = await t.run(async () => {
      await t.inStage(1, () => t.logUserInput('Eine Blume'));
      return 'the pipeline answer';
    });
    await tracing.forceFlush();
    expect(answer).toBe('the pipeline answer');
    expect(tracing.recordExporter.stats().save_failures).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/EROFS/);
    expect(lines.join('\n')).not.toMatch(/Eine Blume/);
  });

  it('never throws from a tracker method, even with a throwing listener or after the run ended', async () => {
    const lines = captureDiag();
    const { tracing } = await testTracing();
    const t = tracing.startRun({
      configName: 'dada',
      onItem: () => {
        throw new Error('listener bug');
      },
    });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() =>
      t.logTranslation('x', { fromLang: 'de', toLang: 'en', metadata: circular }),
    ).not.toThrow();
    t.complete();
    expect(() => t.complete()).not.toThrow();
    expect(() => t.logUserInput('late')).not.toThrow();
    expect(() => t.fail(new Error('late'), { stage: 2 })).not.toThrow();
    expect(lines.join('\n')).toMatch(/listener bug/);
    expect(lines.join('\n')).toMatch(/already ended/);
    await tracing.forceFlush();
  });

  it('rethrows a stage’s own error unchanged and records it on the span', async () => {
    const { tracing, memory } = await testTracing();
    const t = tracing.startRun({ configName: 'dada' });
    class BackendDown extends Error {
      override name = 'BackendDown';
    }
    const error = new BackendDown('503');
    await expect(
      t.inStage(
        4,
        () => {
          throw error;
        },
        { loop: 1 },
      ),
    ).rejects.toBe(error);
    t.complete();
    await tracing.forceFlush();
    const stage4 = spansOf(memory.getFinishedSpans(), t.traceId).stage(4)[0]!;
    expect(stage4.status).toMatchObject({ code: 2, message: '503' });
    expect(stage4.attributes['error.type']).toBe('BackendDown');
  });

  it('writes records completely and quickly with the OTLP endpoint unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const { tracing, store } = await testTracing({
      otlp: {
        url: `http://127.0.0.1:${port}/v1/traces`,
        scheduledDelayMillis: 10,
        timeoutMillis: 500,
      },
    });
    const started = performance.now();
    const ids: string[] = [];
    for (let n = 0; n < 50; n++) {
      const t = tracing.startRun({ configName: 'dada' });
      await t.run(() => t.inStage(1, () => t.logUserInput('Eine Blume')));
      ids.push(t.executionId);
    }
    const elapsed = performance.now() - started;
    await tracing.recordExporter.forceFlush();
    for (const id of ids) expect((await store.get(id))?.status).toBe('completed');
    expect(elapsed).toBeLessThan(2_000); // generous: the point is no waiting on the network
    await eventually(() => expect(tracing.otlp!.stats()).toMatchObject({ state: 'failing' }));
    expect(tracing.otlp!.stats().spans_failed).toBeGreaterThan(0);
    await tracing.shutdown();
  });
});

describe('crash safety', () => {
  it('leaves a readable incomplete record of every finished stage while the run is still open', async () => {
    const { tracing, store } = await testTracing({ record: { checkpointDelayMillis: 1 } });
    const t = tracing.startRun({ configName: 'dada' });
    await t.inStage(1, () => {
      t.logUserInput('Eine Blume');
      t.logTranslation('A flower', { fromLang: 'de', toLang: 'en' });
    });
    // The checkpoint is written soon after the stage ends, while the run stays open.
    const record = await vi.waitFor(
      async () => {
        const saved = await store.get(t.executionId);
        expect(saved?.items).toHaveLength(3);
        return saved as ExecutionRecord;
      },
      { timeout: 5_000, interval: 10 },
    );
    expect(record.status).toBe('incomplete');
    expect(shape(record).map(([type]) => type)).toEqual([
      'pipeline_start',
      'user_input_text',
      'translation_result',
    ]);
    t.complete();
    await tracing.forceFlush();
    expect((await store.get(t.executionId))?.status).toBe('completed');
  });

  it('saves open runs as incomplete on shutdown', async () => {
    const store = await openFileStore();
    const { tracing } = await testTracing({ store, record: { checkpointDelayMillis: 60_000 } });
    const t = tracing.startRun({ configName: 'dada' });
    t.setStage(1);
    t.logUserInput('Eine Blume');
    t.setStage(2);
    await tracing.shutdown();
    const record = (await store.get(t.executionId))!;
    expect(record.status).toBe('incomplete');
    expect(record.items).toHaveLength(2);
  });
});

it('ExecutionTracker.start never throws, even with a broken tracer', () => {
  captureDiag();
  const broken = {
    startSpan: () => {
      throw new Error('no');
    },
    startActiveSpan: () => {
      throw new Error('no');
    },
  };
  const t = ExecutionTracker.start({ tracer: broken as never, configName: 'dada' });
  expect(t.executionId).toMatch(/^exec_/);
  expect(() => t.logUserInput('x')).not.toThrow();
  expect(() => t.complete()).not.toThrow();
});
