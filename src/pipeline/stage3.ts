import { performance } from 'node:perf_hooks';
import { isCheckedSafetyLevel } from '../domain/safety-level.js';
import type { OutputConfig } from './catalog-schemas.js';
import { chat, type RunContext } from './pipeline-context.js';

/** True when stage 3 runs at this safety level (`off` and `research` skip it). */
export const stage3Applies = isCheckedSafetyLevel;

/**
 * Stage 3 for one output (loop `loop`): the fast term filter, then an LLM context check when a
 * term matched. Returns whether this output may be generated.
 */
export function runStage3(
  ctx: RunContext,
  output: OutputConfig,
  loop: number,
  prompt: string,
): Promise<boolean> {
  const { tracker, request } = ctx;
  const level = request.safety_level;
  return tracker.inStage(
    3,
    async () => {
      const started = performance.now();
      const found = ctx.catalog.filters.stage3(level, output.name).find(prompt);
      if (found.length === 0) {
        tracker.logStage3SafetyCheck({
          loop,
          safe: true,
          method: 'fast_filter',
          configUsed: output.name,
          executionTime: (performance.now() - started) / 1000,
        });
        return true;
      }
      const { value, seconds, step } = await chat(ctx, {
        purpose: 'safety_check',
        stage: 3,
        model: ctx.backends.safetyModel,
        system: `You check prompts for an arts platform for ${level === 'kids' ? 'children' : level === 'youth' ? 'teenagers' : 'adults'}. The prompt will go to ${output.location === 'cloud' ? 'an external cloud service' : 'a local model'} making ${output.media_type}. Answer "safe" or "unsafe".`,
        prompt,
      });
      const safe = /^safe\b/i.test(value.text.trim());
      tracker.logStage3SafetyCheck({
        loop,
        safe,
        method: 'llm_context_check',
        foundTerms: found,
        configUsed: output.name,
        model: value.model,
        backend: ctx.llm.type,
        executionTime: seconds,
        metadata: { ...step, verdict_text: value.text },
      });
      if (!safe) {
        tracker.logStage3Blocked({
          loop,
          reason: 'age_inappropriate',
          content: 'Content flagged as unsafe by safety filter',
          configUsed: output.name,
          foundTerms: found,
        });
      }
      return safe;
    },
    {
      loop,
      outputConfig: output.name,
      failure: { recoverable: true, configUsed: output.name, backend: ctx.llm.type },
    },
  );
}
