import { performance } from 'node:perf_hooks';
import type { Catalog } from './catalog.js';
import { chat, type RunContext } from './pipeline-context.js';

/** Stage 1's answer: the English prompt, or the explanation shown to the child. */
export type Stage1Result =
  { blocked: false; text: string } | { blocked: true; explanation: string };

/** The child-friendly German explanation for the first §86a term found. */
export function blockExplanation(catalog: Catalog, found: readonly string[]): string {
  const entry = catalog.stage1.terms.find((t) => t.term.toLowerCase() === found[0]);
  const reason = entry ? `${entry.code} StGB - ${entry.label}` : '§86a StGB';
  return `⚠️ Dein Prompt wurde blockiert\n\nGRUND: ${reason}\n\n${entry?.explanation ?? ''}\n\n${catalog.stage1.why}`;
}

/** Stage 1: §86a check of the child's text, then translation to English. */
export function runStage1(ctx: RunContext): Promise<Stage1Result> {
  const { tracker, request, catalog } = ctx;
  return tracker.inStage(1, async () => {
    const started = performance.now();
    const found = catalog.filters.stage1.find(request.input_text);
    const filterSeconds = (performance.now() - started) / 1000;
    if (found.length > 0) {
      const codes = [
        ...new Set(
          catalog.stage1.terms
            .filter((t) => found.includes(t.term.toLowerCase()))
            .map((t) => t.code),
        ),
      ];
      tracker.logStage1SafetyCheck({
        safe: false,
        method: 'fast_filter',
        foundTerms: found,
        executionTime: filterSeconds,
      });
      const explanation = blockExplanation(catalog, found);
      tracker.logStage1Blocked({ explanation, reason: '§86a_violation', codes });
      return { blocked: true, explanation };
    }
    tracker.logStage1SafetyCheck({
      safe: true,
      method: 'fast_filter',
      executionTime: filterSeconds,
    });
    const { value, seconds, step } = await chat(ctx, {
      purpose: 'translate',
      stage: 1,
      system: `Translate the user's text from ${request.input_language} to English. Answer with the translation only.`,
      prompt: request.input_text,
      fromLang: request.input_language,
      toLang: 'en',
    });
    tracker.logTranslation(value.text, {
      fromLang: request.input_language,
      toLang: 'en',
      model: value.model,
      backend: ctx.llm.type,
      executionTime: seconds,
      metadata: step,
    });
    return { blocked: false, text: value.text };
  });
}
