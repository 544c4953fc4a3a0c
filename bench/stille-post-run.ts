import type { ExecutionTracker } from '../src/telemetry/execution-tracker.js';

const LANGS = ['en', 'en', 'fr', 'nl', 'hi', 'tr', 'pl', 'ko', 'en'];

/** The tracker calls of a 13-item Stille Post run (flow b), with no backend work. */
export async function stillePostRun(
  t: ExecutionTracker,
  prompt = 'Eine Blume auf der Wiese',
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
  });
}
