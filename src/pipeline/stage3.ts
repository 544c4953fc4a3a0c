import { withinTime } from '../common/time-limit.js';
import { performance } from 'node:perf_hooks';
import { isCheckedSafetyLevel } from '../domain/safety-level.js';
import { failureCode } from './backends/backend-error-code.js';
import type { OutputConfig } from './catalog-schemas.js';
import { guardrailAttributes, setGuardrailDecision } from '../telemetry/tracker/guardrail-span.js';
import { chat, type RunContext } from './pipeline-context.js';
import { blockMessage } from './safety/block-message.js';
import { checkTexts, type CheckedText, type SafetyFinding } from './safety/safety-check.js';

/** True when stage 3 runs at this safety level (`off` and `research` skip it). */
export const stage3Applies = isCheckedSafetyLevel;

/** Levels at which a list's finding stands whatever the LLM says, and a failing check blocks. */
const STRICT_LEVELS: ReadonlySet<string> = new Set(['kids', 'youth']);

/** Stage 3's decision for one output. */
export type Stage3Verdict =
  { allowed: true } | { allowed: false; category: string; message: { de: string; en: string } };

/** The safety model's answer, or why there is none (error, or no answer in time). */
type LlmVerdict =
  | {
      ok: true;
      safe: boolean;
      text: string;
      model: string;
      seconds: number;
      step: Record<string, unknown>;
    }
  | { ok: false; code: string; error: unknown };

async function askSafetyModel(
  ctx: RunContext,
  output: OutputConfig,
  prompt: string,
): Promise<LlmVerdict> {
  const level = ctx.request.safety_level;
  const audience = level === 'kids' ? 'children' : level === 'youth' ? 'teenagers' : 'adults';
  const millis = ctx.backends.safetyTimeoutMillis;
  try {
    const { value, seconds, step } = await withinTime(
      chat(ctx, {
        purpose: 'safety_check',
        stage: 3,
        model: ctx.backends.safetyModel,
        system: `You check prompts for an arts platform for ${audience}. The prompt will go to ${output.location === 'cloud' ? 'an external cloud service' : 'a local model'} making ${output.media_type}. Answer "safe" or "unsafe".`,
        prompt,
      }),
      millis,
      () => {
        const error = new Error(`no safety verdict within ${millis} ms`);
        error.name = 'TimeoutError';
        throw error;
      },
    );
    const safe = /^safe\b/i.test(value.text.trim());
    return { ok: true, safe, text: value.text, model: value.model, seconds, step };
  } catch (error) {
    return { ok: false, code: failureCode(error), error };
  }
}

/**
 * Stage 3 for one output (loop `loop`): every text of the run (the child's, the translation,
 * the prompt for generation) against the level's German and English lists and the output's
 * extra terms; then the safety model when a term matched or a `SAFETY_MODEL` is set. At `kids`
 * and `youth` a list's finding blocks whatever the model says, and a model that fails or is
 * slow blocks too (fail closed); at `adult` the model decides and its failure fails the output.
 */
export function runStage3(
  ctx: RunContext,
  output: OutputConfig,
  loop: number,
  texts: readonly CheckedText[],
): Promise<Stage3Verdict> {
  const { tracker, request, catalog } = ctx;
  const level = request.safety_level;
  const strict = STRICT_LEVELS.has(level);
  return tracker.inStage(
    3,
    async (span) => {
      const verdict = await check();
      setGuardrailDecision(span, verdict.allowed);
      return verdict;
    },
    {
      loop,
      outputConfig: output.name,
      attributes: guardrailAttributes({ name: 'stage3 pre-output safety' }),
      failure: { recoverable: true, configUsed: output.name, backend: ctx.llm.type },
    },
  );

  async function check(): Promise<Stage3Verdict> {
    const started = performance.now();
    const matcher = catalog.filters.stage3(level, output.name);
    const finding: SafetyFinding | null = matcher ? checkTexts(matcher, texts) : null;
    const listed = finding ? { categories: finding.categories, matched_texts: finding.texts } : {};
    const checked = { texts_checked: texts.map((t) => t.role) };
    if (!finding && ctx.backends.safetyModel === undefined) {
      tracker.logStage3SafetyCheck({
        loop,
        safe: true,
        method: 'fast_filter',
        configUsed: output.name,
        executionTime: (performance.now() - started) / 1000,
        metadata: checked,
      });
      return { allowed: true };
    }
    const prompt = texts[texts.length - 1]?.text ?? '';
    const verdict = await askSafetyModel(ctx, output, prompt);
    if (!verdict.ok && !strict && !finding) throw verdict.error;
    const safe = verdict.ok && verdict.safe && !(strict && finding);
    tracker.logStage3SafetyCheck({
      loop,
      safe,
      method: 'llm_context_check',
      foundTerms: finding?.terms,
      configUsed: output.name,
      model: verdict.ok ? verdict.model : ctx.backends.safetyModel,
      backend: ctx.llm.type,
      executionTime: verdict.ok ? verdict.seconds : (performance.now() - started) / 1000,
      metadata: verdict.ok
        ? {
            ...verdict.step,
            ...listed,
            ...checked,
            verdict_text: verdict.text,
            model_safe: verdict.safe,
          }
        : { ...listed, ...checked, fail_closed: true, error_code: verdict.code },
    });
    if (safe) return { allowed: true };
    const categories = finding?.categories ?? [];
    const message = blockMessage(catalog.categories, categories);
    const category = finding
      ? message.category
      : verdict.ok
        ? 'model_verdict'
        : 'check_unavailable';
    tracker.logStage3Blocked({
      loop,
      reason: verdict.ok || finding ? 'age_inappropriate' : 'safety_check_unavailable',
      content: message.de,
      configUsed: output.name,
      foundTerms: finding?.terms,
      metadata: { category, categories, matched_texts: finding?.texts ?? [] },
    });
    return { allowed: false, category, message: { de: message.de, en: message.en } };
  }
}
