import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_INTERCEPTION_TEMPLATE_ID,
  ATTR_INTERCEPTION_TEMPLATE_VERSION,
} from '../telemetry/tracker/attributes.js';
import type { InterceptionConfig } from './catalog-schemas.js';
import { chat, type RunContext } from './pipeline-context.js';

/** Stage 2: the interception config rewrites the prompt (once, recursively, or not at all). */
export function runStage2(
  ctx: RunContext,
  config: InterceptionConfig,
  prompt: string,
): Promise<string> {
  const { tracker } = ctx;
  const failure = { configUsed: config.name, backend: ctx.llm.type, model: ctx.llm.defaultModel };
  const version = ctx.catalog.versions.get(`interception/${config.name}`);
  const attributes: Attributes = { [ATTR_INTERCEPTION_TEMPLATE_ID]: config.name };
  if (version !== undefined) attributes[ATTR_INTERCEPTION_TEMPLATE_VERSION] = version;
  return tracker.inStage(
    2,
    async () => {
      if (config.transformation === 'none') {
        tracker.logInterceptionFinal(prompt, {
          totalIterations: 0,
          transformationType: config.name,
          configUsed: config.name,
          metadata: { config_version: ctx.catalog.versions.get(`interception/${config.name}`) },
        });
        return prompt;
      }
      if (config.transformation === 'single') {
        const { value, seconds, step } = await chat(ctx, {
          purpose: 'intercept',
          stage: 2,
          system: config.context,
          prompt,
          offlineTemplate: config.offline_template,
        });
        tracker.logInterceptionFinal(value.text, {
          totalIterations: 1,
          transformationType: config.name,
          configUsed: config.name,
          model: value.model,
          backend: ctx.llm.type,
          executionTime: seconds,
          metadata: {
            ...step,
            config_version: ctx.catalog.versions.get(`interception/${config.name}`),
          },
        });
        return value.text;
      }
      const chain = config.language_chain!;
      let text = prompt;
      let total = 0;
      let model: string | undefined;
      for (let i = 1; i <= config.iterations!; i++) {
        const fromLang = chain[i - 1]!;
        const toLang = chain[i]!;
        text = await tracker.inIteration(i, async () => {
          const { value, seconds, step } = await chat(ctx, {
            purpose: 'translate',
            stage: 2,
            system: `${config.context} Translate from ${fromLang} to ${toLang}.`,
            prompt: text,
            fromLang,
            toLang,
          });
          total += seconds;
          model = value.model;
          tracker.logInterceptionIteration(value.text, {
            iteration: i,
            fromLang,
            toLang,
            configUsed: config.name,
            model: value.model,
            backend: ctx.llm.type,
            executionTime: seconds,
            metadata: step,
          });
          return value.text;
        });
      }
      tracker.logInterceptionFinal(text, {
        totalIterations: config.iterations!,
        transformationType: config.name,
        languageSequence: chain,
        configUsed: config.name,
        model,
        backend: ctx.llm.type,
        executionTime: total,
        metadata: { config_version: ctx.catalog.versions.get(`interception/${config.name}`) },
      });
      return text;
    },
    { failure, attributes },
  );
}
