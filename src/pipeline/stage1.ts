import { performance } from 'node:perf_hooks';
import type { Catalog } from './catalog.js';
import { chat, type RunContext } from './pipeline-context.js';
import { blockMessage } from './safety/block-message.js';
import { checkTexts, type CheckedText, type SafetyFinding } from './safety/safety-check.js';

/** Stage 1's answer: the English prompt, or the explanation shown to the child. */
export type Stage1Result =
  | { blocked: false; text: string }
  | { blocked: true; explanation: string; explanationEn: string; category: string };

/** The child-friendly German explanation for the first §86a term found. */
export function blockExplanation(catalog: Catalog, found: readonly string[]): string {
  const entry = catalog.stage1.terms.find((t) => t.term.toLowerCase() === found[0]);
  const reason = entry ? `${entry.code} StGB - ${entry.label}` : '§86a StGB';
  return `⚠️ Dein Prompt wurde blockiert\n\nGRUND: ${reason}\n\n${entry?.explanation ?? ''}\n\n${catalog.stage1.why}`;
}

/** The stage 1 term lists, as GenAI backends show them. */
const STAGE1_GUARDRAIL = { name: 'stage1 term filter' };

/** A stage 1 finding: a §86a term (every level) first, else the level's lists. */
function check(
  ctx: RunContext,
  text: CheckedText,
): { finding: SafetyFinding; s86a: boolean } | null {
  const { catalog, request } = ctx;
  const s86a = checkTexts(catalog.filters.stage1, [text]);
  if (s86a) return { finding: s86a, s86a: true };
  const level = catalog.filters.level(request.safety_level);
  const finding = level ? checkTexts(level, [text]) : null;
  return finding ? { finding, s86a: false } : null;
}

/** Records the unsafe check and the block; returns what the child is told. */
function block(
  ctx: RunContext,
  found: { finding: SafetyFinding; s86a: boolean },
  seconds: number,
  textsChecked: readonly string[],
): Stage1Result {
  const { tracker, catalog } = ctx;
  const { finding, s86a } = found;
  tracker.logStage1SafetyCheck({
    safe: false,
    method: 'fast_filter',
    foundTerms: finding.terms,
    executionTime: seconds,
    metadata: {
      categories: finding.categories,
      matched_texts: finding.texts,
      texts_checked: [...textsChecked],
    },
  });
  const message = blockMessage(catalog.categories, finding.categories);
  if (s86a) {
    const codes = [
      ...new Set(
        catalog.stage1.terms.filter((t) => finding.terms.includes(t.term)).map((t) => t.code),
      ),
    ];
    const explanation = blockExplanation(catalog, finding.terms);
    tracker.logStage1Blocked({
      explanation,
      reason: '§86a_violation',
      codes,
      metadata: { category: 'hate', matched_texts: finding.texts },
    });
    return { blocked: true, explanation, explanationEn: message.en, category: 'hate' };
  }
  tracker.logStage1Blocked({
    explanation: message.de,
    reason: 'age_inappropriate',
    codes: finding.categories,
    metadata: { category: message.category, matched_texts: finding.texts },
  });
  return {
    blocked: true,
    explanation: message.de,
    explanationEn: message.en,
    category: message.category,
  };
}

/**
 * Stage 1: the child's text against the §86a list and the level's German and English lists,
 * then translation to English, and the translation against the same lists.
 */
export function runStage1(ctx: RunContext): Promise<Stage1Result> {
  const { tracker, request } = ctx;
  return tracker.inStage(1, async () => {
    const started = performance.now();
    const original: CheckedText = {
      role: 'original',
      text: request.input_text,
      lang: request.input_language,
    };
    const found = tracker.guardrail(
      STAGE1_GUARDRAIL,
      () => check(ctx, original),
      (f) => !f,
    );
    const filterSeconds = (performance.now() - started) / 1000;
    if (found) return block(ctx, found, filterSeconds, ['original']);
    tracker.logStage1SafetyCheck({
      safe: true,
      method: 'fast_filter',
      executionTime: filterSeconds,
      metadata: { texts_checked: ['original'] },
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
    const again = performance.now();
    const late = tracker.guardrail(
      STAGE1_GUARDRAIL,
      () => check(ctx, { role: 'translation', text: value.text, lang: 'en' }),
      (f) => !f,
    );
    if (late) return block(ctx, late, (performance.now() - again) / 1000, ['translation']);
    return { blocked: false, text: value.text };
  });
}
