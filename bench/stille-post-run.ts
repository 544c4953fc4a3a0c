import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { MemoryRecordStore } from '../src/store/memory-record-store.js';
import { ATTR_EXECUTION_ID } from '../src/telemetry/tracker/attributes.js';
import type { ExecutionTracker } from '../src/telemetry/tracker/execution-tracker.js';
import { createTracing } from '../src/telemetry/tracing.js';

const LANGS = ['en', 'en', 'fr', 'nl', 'hi', 'tr', 'pl', 'ko', 'en'];

/**
 * The tracker calls of a 13-item Stille Post run (flow b), with no backend work; with `hold`,
 * the run stays open after its last stage until `hold` settles.
 */
export async function stillePostRun(
  t: ExecutionTracker,
  prompt = 'Eine Blume auf der Wiese',
  hold?: Promise<unknown>,
): Promise<void> {
  await t.run(async () => {
    await t.inStage(1, () => {
      t.logUserInput(prompt, { language: 'de' });
      t.logStage1SafetyCheck({ safe: true, method: 'fast_filter' });
      t.logTranslation('A flower in the meadow', {
        fromLang: 'de',
        toLang: 'en',
        model: 'offline-rules',
        backend: 'offline',
      });
    });
    await t.inStage(2, async () => {
      for (let i = 1; i <= 8; i++) {
        await t.inIteration(i, () =>
          t.logInterceptionIteration(`A flower in the meadow (${LANGS[i]})`, {
            iteration: i,
            fromLang: LANGS[i - 1]!,
            toLang: LANGS[i]!,
            model: 'offline-rules',
            backend: 'offline',
            configUsed: 'stillepost',
          }),
        );
      }
      t.logInterceptionFinal('A flower on the grassland', {
        totalIterations: 8,
        transformationType: 'stillepost',
        languageSequence: LANGS,
      });
    });
    await hold;
  });
}

/** Spans of `n` Stille Post runs (record path on a no-op store), grouped by run, in the order they ended. */
export async function capturedRuns(n: number): Promise<ReadableSpan[][]> {
  const memory = new InMemorySpanExporter();
  const discard = Object.assign(new MemoryRecordStore(), { save: async () => {} });
  const tracing = createTracing({
    store: discard,
    extraProcessors: [new SimpleSpanProcessor(memory)],
  });
  for (let k = 0; k < n; k++) await stillePostRun(tracing.startRun({ configName: 'stillepost' }));
  const byRun = new Map<string, ReadableSpan[]>();
  for (const s of memory.getFinishedSpans()) {
    const id = s.attributes[ATTR_EXECUTION_ID] as string;
    const list = byRun.get(id);
    if (list) list.push(s);
    else byRun.set(id, [s]);
  }
  await tracing.shutdown();
  return [...byRun.values()];
}
