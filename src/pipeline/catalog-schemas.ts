import { z } from 'zod';
import { CHECKED_SAFETY_LEVELS } from '../domain/safety-level.js';
import { OutputMediaTypeSchema } from '../domain/media-type.js';
import { SafetyCategorySchema, TermSchema } from './safety/safety-list-schemas.js';

const Name = z.string().regex(/^[a-z0-9_]+$/, 'lowercase letters, digits and _');

/**
 * A description for people in German and English (`{"de": …, "en": …}`); a plain string, as
 * configs written before both languages had, stands for both.
 */
export const DescriptionSchema = z.union([
  z.strictObject({ de: z.string().min(1), en: z.string().min(1) }),
  z.string().transform((text) => ({ de: text, en: text })),
]);
export type Description = z.infer<typeof DescriptionSchema>;

/** An interception config (stage 2): how the prompt is rewritten and what is produced. */
export const InterceptionConfigSchema = z
  .strictObject({
    name: Name,
    description: DescriptionSchema,
    /** `single`: one LLM rewrite; `recursive`: Stille Post through `language_chain`; `none`: passthrough. */
    transformation: z.enum(['single', 'recursive', 'none']),
    /** The LLM's instruction for a single rewrite. */
    context: z.string().default(''),
    /** The offline backend's deterministic rewrite; `{prompt}` is replaced. */
    offline_template: z.string().default('{prompt}'),
    /** Recursive: iterations and the language chain (iterations + 1 languages). */
    iterations: z.number().int().min(1).max(64).optional(),
    language_chain: z.array(z.string().min(2)).optional(),
    /** Output configs produced by default (stage 3 and 4 run once per entry). */
    output_configs: z.array(Name).default([]),
  })
  .refine(
    (c) =>
      c.transformation !== 'recursive' ||
      (c.iterations !== undefined && c.language_chain?.length === c.iterations + 1),
    {
      message:
        'a recursive config needs iterations and a language_chain of iterations + 1 languages',
    },
  );
export type InterceptionConfig = z.infer<typeof InterceptionConfigSchema>;

/** An output config (stages 3 and 4): what medium, made how. */
export const OutputConfigSchema = z.strictObject({
  name: Name,
  description: DescriptionSchema,
  media_type: OutputMediaTypeSchema,
  /** Model name recorded for this output. */
  model: z.string(),
  /** Where this output sends the prompt: `local` (ComfyUI) or `cloud` (stricter checks). */
  location: z.enum(['local', 'cloud']).default('local'),
  /** Generation parameters (width, height, steps, duration_seconds, …). */
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  /** Extra stage 3 terms per safety level and category, on top of the level's list. */
  extra_terms: z
    .partialRecord(
      z.enum(CHECKED_SAFETY_LEVELS),
      z.partialRecord(SafetyCategorySchema, z.array(TermSchema)),
    )
    .default({}),
  /** ComfyUI API-format workflow; `"{{prompt}}"` and `"{{seed}}"` are filled in. */
  comfyui_workflow: z.record(z.string(), z.unknown()).optional(),
});
export type OutputConfig = z.infer<typeof OutputConfigSchema>;

/** One §86a (stage 1) term with the child-friendly explanation shown when it blocks. */
export const Stage1TermSchema = z.strictObject({
  term: TermSchema,
  code: z.string(),
  label: z.string(),
  explanation: z.string(),
});

/** Stage 1 list: terms that block at once, whatever the safety level. */
export const Stage1ListSchema = z.strictObject({
  description: z.string(),
  why: z.string(),
  terms: z.array(Stage1TermSchema).min(1),
});
export type Stage1List = z.infer<typeof Stage1ListSchema>;
